// Correlation metrics for regression (STS-B): Pearson's r and Spearman's rho with tie-averaged ranks.
// See metrics.h.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "eval/check.h"
#include "eval/metrics.h"

namespace peft::eval {
namespace {

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// 1-based ranks; a run of equal values gets the mean of the ranks it spans.
std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (size_t run = 0; run < order.size();) {
    size_t run_end = run + 1;
    while (run_end < order.size() && v[order[run_end]] == v[order[run]]) ++run_end;
    const double rank = (static_cast<double>(run + 1) + static_cast<double>(run_end)) / 2;
    for (size_t i = run; i < run_end; ++i) ranks[order[i]] = rank;
    run = run_end;
  }
  return ranks;
}

double pearson_unchecked(const std::vector<double>& x, const std::vector<double>& y) {
  // Centred sums: stable when the values sit far from zero.
  const double mx = mean(x), my = mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0 || syy == 0) return 0.0;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

}  // namespace

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "pearson");
  return pearson_unchecked(x, y);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "spearman");
  return pearson_unchecked(average_ranks(x), average_ranks(y));
}

}  // namespace peft::eval
