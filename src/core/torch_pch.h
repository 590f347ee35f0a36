// Precompiled header for every torch-using target: the one heavy include, parsed once per build.
#pragma once
#include <torch/torch.h>
