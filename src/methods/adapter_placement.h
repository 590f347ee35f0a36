// Where bottleneck-style adapters go and how wide they are, as AdapterHub decides it; shared by the
// bottleneck adapters (Houlsby, Pfeiffer, parallel), Compacter and AdaMix.
#pragma once
#include <algorithm>
#include <cstdint>

#include "models/site_catalogue.h"

namespace peft::methods {

// After attention (mh_adapter) and/or after the MLP (output_adapter).
inline bool adapter_goes_at(models::SiteRole role, bool mh_adapter, bool output_adapter) {
  return (output_adapter && role == models::SiteRole::FeedForwardBranch) ||
         (mh_adapter && role == models::SiteRole::AttentionBranch);
}

// The bottleneck m: as configured, or hidden_size / reduction_factor (at least 1).
inline int64_t bottleneck_width(int64_t configured, double reduction_factor, int64_t hidden) {
  return configured > 0 ? configured : std::max<int64_t>(1, int64_t(double(hidden) / reduction_factor));
}

}  // namespace peft::methods
