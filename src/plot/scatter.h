// Labelled scatter plots as PNG files, e.g. task metric against trainable-parameter share (log x) for
// PEFT methods, in the style of Figure 1 of Houlsby et al. (2019).
#pragma once
#include <string>
#include <vector>

namespace peft::plot {

struct Point {
  double x, y;
  std::string label;  // drawn beside the marker; may be empty
};

struct ScatterOptions {
  std::string title, x_label, y_label;
  bool log_x = false;
  bool x_percent = false;  // x values are fractions of 1, ticks read as percentages (0.001 -> "0.1%")
  int width = 800, height = 560;
};

// Renders in memory and writes atomically. Throws peft::Error naming the path for no points, a non-finite
// coordinate, x <= 0 on a log axis, or a size outside 200x150 .. 10000x10000.
// A build without Cairo throws for every call, naming the path and the missing library.
void write_scatter_png(const std::string& path, const std::vector<Point>& points, const ScatterOptions& options);

// False in a build without Cairo.
bool png_plots_available();

}  // namespace peft::plot
