// Task "pair": two WordNet definitions -> 1 when the synsets are related (one is the other's direct
// hypernym, or both are senses of one lemma), 0 for a random same-pos synset unrelated to the first.
#include <algorithm>
#include <map>
#include <set>

#include "corpus/builders.h"
#include "corpus/held_out.h"
#include "corpus/rng.h"
#include "corpus/text.h"

namespace peft::corpus {
namespace {

constexpr std::array<std::size_t, 3> kPositives = {5000, 500, 500};  // as many negatives again
constexpr std::size_t kMinWords = 3;
constexpr int kNegativeTries = 100;

struct Edge {
  std::uint64_t order;
  int a, b;
};

bool usable(const Synset& s) {
  const std::size_t words = word_count(s.definition);
  return words >= kMinWords && words <= kMaxWords;
}

bool shares_lemma(const Synset& x, const Synset& y) {
  for (const std::string& a : x.lemmas)
    for (const std::string& b : y.lemmas)
      if (to_lower(a) == to_lower(b)) return true;
  return false;
}

bool related(const WordNet& wn, int a, int b) {
  const auto points_to = [&](int from, int to) {
    const auto& ptrs = wn.synsets[from].pointers;
    return std::any_of(ptrs.begin(), ptrs.end(), [&](const Pointer& p) { return p.target == to; });
  };
  return a == b || points_to(a, b) || points_to(b, a) || shares_lemma(wn.synsets[a], wn.synsets[b]) ||
         wn.synsets[a].definition == wn.synsets[b].definition;
}

// Related pairs whose two synsets lie in one split, per split, in selection order.
std::array<std::vector<Edge>, 3> positive_edges(const WordNet& wn) {
  std::array<std::vector<Edge>, 3> edges;
  std::set<std::pair<int, int>> seen;
  const auto add = [&](int a, int b) {
    if (a > b) std::swap(a, b);
    const Synset &x = wn.synsets[a], &y = wn.synsets[b];
    const Split split = synset_split(x);
    if (a == b || split != synset_split(y) || !usable(x) || !usable(y) || x.definition == y.definition) return;
    if (seen.insert({a, b}).second)
      edges[static_cast<int>(split)].push_back({stable_hash("pair:" + x.key() + y.key()), a, b});
  };
  // Senses of one lemma within one pos, taken in file order, neighbours only: a lemma with many
  // senses would otherwise flood the task.
  std::map<std::pair<char, std::string>, std::vector<int>> senses;
  for (int i = 0; i < static_cast<int>(wn.synsets.size()); ++i) {
    const Synset& s = wn.synsets[i];
    for (const Pointer& p : s.pointers)
      if (p.symbol == "@" || p.symbol == "@i") add(i, p.target);
    for (const std::string& lemma : s.lemmas) senses[{file_pos(s.pos), to_lower(lemma)}].push_back(i);
  }
  for (const auto& [lemma, synsets] : senses)
    for (std::size_t k = 1; k < synsets.size(); ++k) add(synsets[k - 1], synsets[k]);
  for (auto& split : edges)
    std::sort(split.begin(), split.end(), [](const Edge& x, const Edge& y) {
      return x.order != y.order ? x.order < y.order : std::make_pair(x.a, x.b) < std::make_pair(y.a, y.b);
    });
  return edges;
}

}  // namespace

Task build_pair_task(const WordNet& wn) {
  Task task{"pair", "pair", "accuracy", {"sentence1", "sentence2", "label"}, {"0", "1"}, {}};
  // Negatives come from the same split and pos as the positive they balance.
  std::map<std::pair<int, char>, std::vector<int>> pools;
  for (int i = 0; i < static_cast<int>(wn.synsets.size()); ++i)
    if (usable(wn.synsets[i])) pools[{static_cast<int>(synset_split(wn.synsets[i])), file_pos(wn.synsets[i].pos)}].push_back(i);
  const std::array<std::vector<Edge>, 3> positives = positive_edges(wn);
  for (Split split : kSplits) {
    std::vector<std::string> rows;
    std::set<std::pair<int, int>> negatives;
    std::size_t kept = 0;
    for (const Edge& e : positives[static_cast<int>(split)]) {
      if (kept == kPositives[static_cast<int>(split)]) break;
      Rng rng(e.order);  // seeded per pair: each negative is fixed by its positive alone
      const int anchor = rng.below(2) ? e.a : e.b;
      const std::vector<int>& pool = pools[{static_cast<int>(split), file_pos(wn.synsets[anchor].pos)}];
      int other = -1;
      for (int t = 0; t < kNegativeTries && other < 0; ++t) {
        const int c = pool[rng.below(pool.size())];
        if (!related(wn, anchor, c) && !negatives.count(std::minmax(anchor, c))) other = c;
      }
      if (other < 0) continue;  // no negative, no positive: the classes stay exactly balanced
      negatives.insert(std::minmax(anchor, other));
      // Random order inside a row, so that the hypernym is not always second.
      const auto row = [&](int x, int y, const char* label) {
        if (rng.below(2)) std::swap(x, y);
        rows.push_back(tsv_row({wn.synsets[x].definition, wn.synsets[y].definition, label}));
      };
      row(e.a, e.b, "1");
      row(anchor, other, "0");
      ++kept;
    }
    task.split(split) = in_hash_order(std::move(rows));
  }
  return task;
}

}  // namespace peft::corpus
