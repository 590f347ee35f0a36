// What one forward call carries down to every site, delta and hook: the training flag (the one source of
// truth: modules read it here, never their own flag), which adapters run (for the whole batch or per row),
// per-row prompt selection, a decoder's KV cache and position offset, and which positions are read.
// A plain value built per call: no global or thread-local "active adapter".
#pragma once
#include <string>
#include <vector>

#include <torch/torch.h>

namespace peft::nn {

struct KvCache;  // decoders (later): each layer's keys and values of the positions already seen

// The adapters a call runs. Unset (the default), every adapter attached at a site runs there, in attach
// order: what a model with one adapter, or a test on bare sites, wants.
struct AdapterSelection {
  static AdapterSelection every() { return {}; }
  // Only these adapters, each on every row (stacked in attach order where several are named).
  static AdapterSelection only(std::vector<std::string> names);
  // Row b runs names[rows[b]] alone; rows[b] = -1 runs the base alone. rows: [B] int64 on the batch's device.
  static AdapterSelection per_row(std::vector<std::string> names, torch::Tensor rows);

  bool is_every() const { return every_; }
  bool is_per_row() const { return rows.defined(); }
  bool uses(const std::string& adapter) const { return every_ || index_of(adapter) >= 0; }
  int64_t index_of(const std::string& adapter) const;  // its place in `names`, -1 when not named

  std::vector<std::string> names;
  torch::Tensor rows;

 private:
  bool every_ = true;
};

struct ForwardContext {
  bool training = false;
  AdapterSelection adapters;
  torch::Tensor prompt_rows;      // [B] int64: which of its adapter's prompts a row runs (ensembles); undefined = 0
  KvCache* kv_cache = nullptr;    // decoders: read and extended by the key/value sites; null = no cache
  int64_t position_offset = 0;    // decoders: the position of the first input token (the cache's length)
  // The one position per row the head reads, undefined = every input token. read_positions count the
  // slots the layers see (inserted vectors included: 0 is the first slot, a prepended prompt's first
  // vector); read_tokens count the input's tokens (a [MASK] wherever prompts went in).
  torch::Tensor read_positions;   // [B] int64
  torch::Tensor read_tokens;      // [B] int64
};

}  // namespace peft::nn
