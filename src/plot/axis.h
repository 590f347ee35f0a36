// Axis ranges and ticks for plots: "nice" linear steps (1, 2, 5 x 10^k) or decades on a log scale,
// with labels as plain numbers, powers of ten, or percentages of fractions.
#pragma once
#include <string>
#include <vector>

namespace peft::plot {

struct Tick {
  double value;
  std::string label;  // empty for an unlabelled minor tick (log axes: 2..9 x 10^k)
};

struct Axis {
  double lo = 0, hi = 1;  // the shown range, slightly wider than the data
  bool log = false;
  std::vector<Tick> ticks;  // ascending, all within [lo, hi]
  double position(double value) const;  // 0 at lo, 1 at hi; linear in log10 on a log axis
};

// The axis for data spanning [min, max]; a log axis needs min > 0. `percent`: values are fractions of 1,
// labelled as percentages (0.001 -> "0.1%").
Axis make_axis(double min, double max, bool log, bool percent);

}  // namespace peft::plot
