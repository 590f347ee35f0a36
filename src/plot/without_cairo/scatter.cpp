// Stands in for plot/scatter.cpp in builds without Cairo (e.g. a CUDA machine with no Debian -dev
// packages): tables and everything else work, a requested plot fails with the reason.
#include "plot/scatter.h"

#include "core/error.h"

namespace peft::plot {

void write_scatter_png(const std::string& path, const std::vector<Point>&, const ScatterOptions&) {
  throw Error(path + ": this peft was built without Cairo, so it cannot draw PNG plots (install libcairo2-dev "
                     "and rebuild)");
}

bool png_plots_available() { return false; }

}  // namespace peft::plot
