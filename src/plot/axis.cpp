// Tick placement: linear axes step by 1, 2 or 5 x 10^k; log axes mark decades (majors) and 2..9 (minors),
// labelling 2 and 5 too when fewer than three decades show.
// Ranges get a small margin so no point sits on the frame.
#include "plot/axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace peft::plot {
namespace {

constexpr double kMargin = 0.06;  // of the data span, on each side
constexpr int kTargetTicks = 6;
constexpr int kMaxLabelledDecades = 10;

// Fixed decimals for a whole linear axis, enough for its step, so labels line up ("0.80", "0.82").
std::string format_fixed(double value, double step) {
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value == 0 ? 0.0 : value);
  return buf;
}

// 10^e written exactly: "0.001", "100", or "1e-5" / "1e6" beyond three digits of zeros.
std::string power_of_ten(int e) {
  if (e < -3 || e > 3) return "1e" + std::to_string(e);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%g", std::pow(10.0, e));
  return buf;
}

// A minor log tick's label, e.g. 0.02 -> "0.02" or, as a percentage, "2%".
std::string format_general(double value, bool percent) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%s", percent ? value * 100 : value, percent ? "%" : "");
  return buf;
}

double nice_step(double rough) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double f = rough / magnitude;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
}

Axis linear_axis(double min, double max, bool percent) {
  double span = max - min;
  if (span <= 0) span = min != 0 ? std::fabs(min) * 0.2 : 1.0;  // a single value: centre it
  const double lo = min - kMargin * span - (max == min ? span / 2 : 0);
  const double hi = max + kMargin * span + (max == min ? span / 2 : 0);
  const double step = nice_step((hi - lo) / kTargetTicks);

  Axis axis;
  axis.lo = lo;
  axis.hi = hi;
  // Counted, so data near the limits of double precision cannot loop forever; multiplied, not accumulated.
  const double first = std::ceil(lo / step), count = std::floor(hi / step) - first + 1;
  for (int i = 0; i < (count > 0 ? std::min(count, 50.0) : 0); ++i) {
    const double v = (first + i) * step;
    axis.ticks.push_back({v, percent ? format_fixed(v * 100, step * 100) + "%" : format_fixed(v, step)});
  }
  return axis;
}

Axis log_axis(double min, double max, bool percent) {
  double lo = std::log10(min), hi = std::log10(max);
  const double margin = kMargin * std::fmax(hi - lo, 1.0);
  lo -= margin;
  hi += margin;
  if (std::floor(hi) - std::ceil(lo) < 1) {  // fewer than two decade ticks: widen to whole decades
    lo = std::floor(lo);
    hi = std::ceil(hi);
  }
  Axis axis;
  axis.log = true;
  axis.lo = std::pow(10.0, lo);
  axis.hi = std::pow(10.0, hi);
  const int first = static_cast<int>(std::floor(lo)), last = static_cast<int>(std::ceil(hi));
  const int label_every = (last - first + kMaxLabelledDecades - 1) / kMaxLabelledDecades;
  const bool minors = last - first <= kMaxLabelledDecades / 2;
  int shown_decades = 0;
  for (int e = first; e <= last; ++e) shown_decades += std::pow(10.0, e) >= axis.lo && std::pow(10.0, e) <= axis.hi;
  const bool label_2_and_5 = shown_decades < 3;  // else a short range reads as two bare numbers
  for (int e = first; e <= last; ++e) {
    const double decade = std::pow(10.0, e);
    if (decade >= axis.lo && decade <= axis.hi) {
      const bool labelled = (e - first) % label_every == 0;
      axis.ticks.push_back({decade, !labelled ? "" : percent ? power_of_ten(e + 2) + "%" : power_of_ten(e)});
    }
    for (int m = 2; minors && m <= 9; ++m) {
      const double v = m * decade;
      if (v < axis.lo || v > axis.hi) continue;
      axis.ticks.push_back({v, label_2_and_5 && (m == 2 || m == 5) ? format_general(v, percent) : ""});
    }
  }
  return axis;
}

}  // namespace

double Axis::position(double value) const {
  if (log) return (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return (value - lo) / (hi - lo);
}

Axis make_axis(double min, double max, bool log, bool percent) {
  return log ? log_axis(min, max, percent) : linear_axis(min, max, percent);
}

}  // namespace peft::plot
