#include "train/progress.h"

#include <cmath>

namespace peft::train {

std::string format_duration(double s) {
  char buf[32];
  const auto total = static_cast<long>(std::lround(s));
  if (total >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
  return buf;
}

double Progress::seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void Progress::update(int64_t step, double loss, double lr, int64_t tokens) {
  if (first_step_ < 0) first_step_ = step - 1;  // a resumed run starts counting throughput here
  step_ = step;
  loss_ = loss;
  lr_ = lr;
  tokens_ += tokens;
  if (std::chrono::duration<double>(Clock::now() - last_print_).count() >= 1.0 || step == total_) print();
}

void Progress::print() {
  if (quiet_) return;
  last_print_ = Clock::now();
  printed_step_ = step_;
  const double elapsed = seconds();
  const double per_step = elapsed / double(std::max<int64_t>(1, step_ - first_step_));
  std::fprintf(stderr, "%s step %lld/%lld (%3.0f%%) | loss %.4f | lr %.2e | %.0f tok/s | %s elapsed, ETA %s\n",
               label_.c_str(), static_cast<long long>(step_), static_cast<long long>(total_),
               100.0 * double(step_) / double(std::max<int64_t>(1, total_)), loss_, lr_, double(tokens_) / elapsed,
               format_duration(elapsed).c_str(), format_duration(per_step * double(total_ - step_)).c_str());
}

void Progress::done() {
  if (step_ > 0 && printed_step_ != step_) print();
}

}  // namespace peft::train
