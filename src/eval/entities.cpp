// Entity-level precision / recall / F1 for sequence tagging, with seqeval's default chunking rules.
// See metrics.h.
#include <set>
#include <tuple>

#include "eval/check.h"
#include "eval/metrics.h"

namespace peft::eval {
namespace {

struct Tag {
  char prefix;  // 'O', 'B', 'I', 'E' or 'S'
  std::string type;
};

Tag parse_tag(const std::string& tag) {
  if (tag == "O") return {'O', ""};
  const bool ok =
      !tag.empty() && std::string("BIES").find(tag[0]) != std::string::npos && (tag.size() == 1 || tag[1] == '-');
  require(ok, "entity tag '" + tag + "' is neither O nor B-, I-, E-, S-<type>");
  return {tag[0], tag.size() > 2 ? tag.substr(2) : ""};
}

// Does an entity that was open at `prev` end before `cur`?
bool ends_before(const Tag& prev, const Tag& cur) {
  if (prev.prefix == 'O') return false;
  if (prev.prefix == 'E' || prev.prefix == 'S') return true;
  return cur.prefix == 'B' || cur.prefix == 'S' || cur.prefix == 'O' || prev.type != cur.type;
}

// Does a new entity start at `cur`?
bool starts_at(const Tag& prev, const Tag& cur) {
  if (cur.prefix == 'O') return false;
  if (cur.prefix == 'B' || cur.prefix == 'S') return true;
  // I- or E- continue only an open B-/I- entity of the same type.
  return prev.prefix == 'O' || prev.prefix == 'E' || prev.prefix == 'S' || prev.type != cur.type;
}

}  // namespace

std::vector<Entity> extract_entities(const std::vector<std::string>& tags) {
  std::vector<Entity> entities;
  Tag prev{'O', ""};
  size_t begin = 0;
  for (size_t i = 0; i <= tags.size(); ++i) {  // one step past the end closes a trailing entity
    const Tag cur = i < tags.size() ? parse_tag(tags[i]) : Tag{'O', ""};
    if (ends_before(prev, cur)) entities.push_back({prev.type, begin, i - 1});
    if (starts_at(prev, cur)) begin = i;
    prev = cur;
  }
  return entities;
}

EntityScores entity_f1(const std::vector<std::vector<std::string>>& gold,
                       const std::vector<std::vector<std::string>>& pred) {
  check_pair(pred, gold, "entity_f1");
  using Key = std::tuple<size_t, std::string, size_t, size_t>;  // sentence, type, begin, end
  std::set<Key> gold_set;
  EntityScores s{0, 0, 0, 0, 0, 0};
  for (size_t n = 0; n < gold.size(); ++n) {
    require(gold[n].size() == pred[n].size(), "entity_f1: sentence " + std::to_string(n + 1) + " has " +
                                                  std::to_string(gold[n].size()) + " gold tags but " +
                                                  std::to_string(pred[n].size()) + " predicted");
    for (const Entity& e : extract_entities(gold[n])) gold_set.insert({n, e.type, e.begin, e.end});
    for (const Entity& e : extract_entities(pred[n])) {
      ++s.pred_entities;
      s.correct += gold_set.count({n, e.type, e.begin, e.end});
    }
  }
  s.gold_entities = gold_set.size();
  const auto ratio = [](size_t a, size_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); };
  s.precision = ratio(s.correct, s.pred_entities);
  s.recall = ratio(s.correct, s.gold_entities);
  s.f1 = s.precision + s.recall == 0 ? 0.0 : 2 * s.precision * s.recall / (s.precision + s.recall);
  return s;
}

}  // namespace peft::eval
