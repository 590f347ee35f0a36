// Typed reading of a method's JSON config: each option read by name with its default, and anything left
// unread is an error naming the key, so a typo never silently becomes the default.
#pragma once
#include <cmath>
#include <set>
#include <type_traits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace peft::methods {

class MethodConfig {
 public:
  MethodConfig(nlohmann::json values, std::string method) : values_(std::move(values)), method_(std::move(method)) {
    require(values_.is_object() || values_.is_null(), method_ + ": config must be a JSON object");
  }

  template <typename T>
  T get(const std::string& key, T fallback) {
    known_.insert(key);
    if (!values_.is_object()) return fallback;
    auto it = values_.find(key);
    if (it == values_.end() || it->is_null()) return fallback;
    // nlohmann converts 2.5 to 2 and true to 1 without a word: an option's type is checked here.
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      require(it->is_number(), method_ + ": option '" + key + "' must be a number, got " + it->dump());
      if constexpr (std::is_integral_v<T>)
        require(!it->is_number_float() || it->get<double>() == std::floor(it->get<double>()),
                method_ + ": option '" + key + "' must be a whole number, got " + it->dump());
    }
    try {
      return it->get<T>();
    } catch (const nlohmann::json::exception&) {
      throw Error(method_ + ": option '" + key + "' has the wrong type (" + it->dump() + ")");
    }
  }
  // A string option that must be one of `choices`.
  std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& choices);
  const nlohmann::json* raw(const std::string& key) {
    known_.insert(key);
    if (!values_.is_object()) return nullptr;
    auto it = values_.find(key);
    return it == values_.end() || it->is_null() ? nullptr : &*it;
  }
  // Rejects keys no get() asked for. Keys HF PEFT writes for features that are off (null, false, {}, [])
  // and its bookkeeping fields are accepted, so its adapter_config.json files load.
  void finish() const;

 private:
  nlohmann::json values_;
  std::string method_;
  std::set<std::string> known_;
};

}  // namespace peft::methods
