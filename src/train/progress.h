// A one-line progress report for long loops (step, loss, lr, throughput, ETA), printed at most about once
// a second so logs stay short.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>

namespace peft::train {

class Progress {
 public:
  Progress(std::string label, int64_t total, bool quiet) : label_(std::move(label)), total_(total), quiet_(quiet) {}
  void update(int64_t step, double loss, double lr, int64_t tokens);
  void done();
  double seconds() const;

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  int64_t total_;
  bool quiet_;
  Clock::time_point start_ = Clock::now(), last_print_ = Clock::now();
  int64_t tokens_ = 0, step_ = 0, first_step_ = -1, printed_step_ = -1;
  double loss_ = 0, lr_ = 0;
  void print();
};

std::string format_duration(double seconds);

}  // namespace peft::train
