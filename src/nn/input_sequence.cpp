#include "nn/input_sequence.h"

#include "core/error.h"

namespace peft::nn {

InputSequence InputSequence::of(const torch::Tensor& embeds, const torch::Tensor& ids, const torch::Tensor& mask,
                                const torch::Tensor& token_types) {
  InputSequence s;
  s.embeds = embeds;
  s.attention_mask = mask;
  s.token_type_ids = token_types.defined() ? token_types : torch::zeros_like(ids);
  s.token_ids = ids;
  s.source = torch::arange(ids.size(1), ids.options()).unsqueeze(0).expand_as(ids);
  return s;
}

void InputSequence::insert(const torch::Tensor& at, const torch::Tensor& vectors, const torch::Tensor& count) {
  const auto B = embeds.size(0), L = embeds.size(1), n = vectors.size(1);
  const auto opts = source.options();
  require(at.numel() == B && count.numel() == B, "an input-sequence insert needs one position and count per row");
  require((at.ge(0) & at.le(L)).all().item<bool>(), "an input-sequence insert is outside the sequence");
  // Slot j of row b takes, from the concatenation [old slots 0..L-1 ; vectors L..L+n-1]: an old slot
  // (j < at), an inserted vector (at <= j < at + count), an old slot shifted by count, or at the row's
  // end one of its unused vectors.
  auto j = torch::arange(L + n, opts).unsqueeze(0);
  auto a = at.to(opts).view({B, 1}), c = count.to(opts).view({B, 1});
  auto before = j.lt(a), in_insert = j.ge(a) & j.lt(a + c), after = j.ge(a + c) & j.lt(L + c);
  auto unused_vector = j.ge(L + c);  // slot j >= L + count holds vector j - L, never attended
  auto from = torch::where(before, j, torch::where(in_insert, L + j - a, torch::where(after, j - c, j)));
  const auto H = embeds.size(2);
  auto all = torch::cat({embeds, vectors.to(embeds.dtype()).expand({B, n, H})}, 1);
  embeds = all.gather(1, from.unsqueeze(-1).expand({B, L + n, H}));
  auto pick = [&](const torch::Tensor& old, const torch::Tensor& fill) {
    return torch::cat({old, fill}, 1).gather(1, from);
  };
  const auto live = torch::ones({B, n}, attention_mask.options());
  attention_mask = pick(attention_mask, live).masked_fill(unused_vector, 0);
  // An inserted vector takes the type of the slot it precedes (0 at the end): prompts before a pair's
  // second text read as part of it.
  auto next_type = token_type_ids.gather(1, at.to(opts).clamp_max(L - 1).view({B, 1}))
                       .masked_fill(at.to(opts).view({B, 1}).ge(L), 0);
  token_type_ids = pick(token_type_ids, next_type.expand({B, n})).masked_fill(unused_vector, 0);
  const auto marks = torch::full({B, n}, kInserted, opts);
  token_ids = pick(token_ids, marks).masked_fill(unused_vector, kUnused);
  source = pick(source.expand({B, L}), marks).masked_fill(unused_vector, kUnused);
  inserted = true;
}

void InputSequence::insert(int64_t at, const torch::Tensor& vectors) {
  const auto B = embeds.size(0);
  const auto opts = source.options();
  insert(torch::full({B}, at, opts), vectors, torch::full({B}, vectors.size(1), opts));
}

torch::Tensor InputSequence::token_index() const {
  const auto B = source.size(0);
  // Each row holds every input position once, in order.
  return source.ge(0).nonzero().select(1, 1).view({B, -1});
}

void InputSequence::add_past(const torch::Tensor& length) {
  auto l = length.to(source.options()).expand({source.size(0)});
  past_length = past_length.defined() ? past_length + l : l;
}

}  // namespace peft::nn
