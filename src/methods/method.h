// A PEFT method: one class that reads its typed config, creates its own parameters, attaches them at the
// model's sites under its adapter's name, says which base tensors also train, and names its tensors for
// the adapter file. The lifecycle around training (extra loss, after backward, per-step schedules) and a
// method-owned save format are optional overrides.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/site_catalogue.h"
#include "models/task_model.h"
#include "models/tensor_io.h"

namespace peft::methods {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// What a method may need from the tokenizer (a prompt initialised from text, PET's verbalizer words and
// its [MASK]), given by the command before attach.
struct TextIds {
  std::function<std::vector<int64_t>(const std::string&)> encode;  // text -> ids, no special tokens
  int64_t mask_id = -1, unk_id = -1;
};

struct ClozeSpec;  // methods/cloze_spec.h

// Where tensors sit in adapter_model.safetensors: the model's (head, trained base tensors) under `model`,
// the method's own saved tensors under `own`. HF PEFT: "base_model.model." for both, but prompt learning
// keeps prompt_embeddings at the top and the head under "base_model.".
struct FileRoots {
  std::string model = "base_model.model.";
  std::string own = "base_model.model.";
};

struct RoledTensor {
  std::string name;
  torch::Tensor tensor;
  models::TensorRole role;
};

class Method : public torch::nn::Module {
 public:
  virtual const char* method_name() const = 0;  // registry name, e.g. "lora"
  virtual const char* peft_type() const = 0;    // adapter_config.json "peft_type", e.g. "LORA"
  // Creates the method's parameters for this model and attaches them at its sites under `adapter`; once.
  virtual void attach(models::TaskModelImpl& model, const std::string& adapter) = 0;
  // Base tensors (by HF name) the method trains besides its own; the task head always trains.
  virtual bool trains_base_tensor(const std::string& /*name*/) const { return false; }
  // The method's own tensors under the names they take in adapter_model.safetensors (without the
  // "base_model.model." root).
  virtual NamedTensors own_tensors() const { return {}; }
  // Their roles for the optimizer; by default a vector is a Bias (no decay) and the rest Weight.
  virtual std::vector<RoledTensor> own_tensor_roles() const;
  virtual nlohmann::json config_json() const = 0;  // the method's fields of adapter_config.json
  // True when every delta folds into the frozen weights, so a merged model runs at base cost.
  virtual bool mergeable() const { return false; }
  virtual void use_tokenizer(const TextIds& /*text*/) {}
  // Positions the method takes from the model's table (virtual tokens, prefixes numbered before the
  // input): the command keeps the input that much shorter.
  virtual int64_t positions_taken() const { return 0; }
  // Prompts per example (an ensemble: each example runs once per prompt; TaskModelImpl::set_row_copies).
  virtual int64_t prompt_copies() const { return 1; }
  // PET's pattern and verbalizer: the task becomes cloze (models::TaskKind::Cloze); null for the rest.
  virtual const ClozeSpec* cloze() const { return nullptr; }

  // ---- training lifecycle, called by the trainer in this order -----------------------------------------
  // Before each optimizer step's forwards (step counts from 1 up to total_steps): schedules such as
  // temperatures and rank budgets.
  virtual void begin_step(int64_t /*step*/, int64_t /*total_steps*/) {}
  // Added to the task loss of each training forward (L0, orthogonality); undefined = none.
  virtual torch::Tensor extra_loss() { return {}; }
  // A method whose training forward is random by design (AdaMix's routing) may ask for two passes over each
  // batch: the step's loss is then the mean of the two passes' losses plus consistency_loss(first, second).
  virtual bool wants_two_passes() const { return false; }
  virtual torch::Tensor consistency_loss(const torch::Tensor& /*first_logits*/, const torch::Tensor& /*second*/) {
    return {};
  }
  // Once the step's gradients are complete (after accumulation, before clipping): gradient masks.
  virtual void after_backward(int64_t /*step*/) {}
  // After the optimizer step, its gradients still there (HF PEFT's update_and_allocate): importance scores
  // of the updated tensors, rank masks that the step must not undo.
  virtual void after_step(int64_t /*step*/) {}

  // ---- saving: what goes into adapter_model.safetensors and back --------------------------------------
  // By default own_tensors(); a method may store another form (sparse index + value, a folded prefix).
  virtual NamedTensors saved_tensors() const { return own_tensors(); }
  virtual FileRoots file_roots() const { return {}; }
  // Takes this method's tensors out of `tensors` (a file's, without the root) into its own; each missing
  // one is an error naming `context` (the file).
  virtual void load_saved(models::TensorMap& tensors, const std::string& context);

 protected:
  // own_tensors() for a method whose own_tensor_roles() is where its tensors are listed.
  NamedTensors names_of_roles() const;
};

}  // namespace peft::methods
