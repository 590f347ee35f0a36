// Task "similarity" (regression, like STS-B): two WordNet noun definitions -> 0..5 from the noun
// hypernym graph: score = 5 * path_similarity(d) / path_similarity(1) = 10 / (1 + d), where d is the
// shortest path between the synsets through a common hypernym (d = 1: direct hypernym, score 5).
#include <algorithm>
#include <cstdio>
#include <set>

#include "corpus/builders.h"
#include "corpus/held_out.h"
#include "corpus/rng.h"
#include "corpus/text.h"

namespace peft::corpus {
namespace {

// Scores are spread by filling five equal bins [0,1) [1,2) [2,3) [3,4) [4,5] (d >= 10, 5..9, 3..4,
// 2, 1): random noun pairs alone would almost all land near 0.
constexpr int kBins = 5;
constexpr std::array<std::size_t, 3> kPerBin = {1200, 150, 150};  // train, dev, test
constexpr std::size_t kMinWords = 3;
constexpr int kMaxWalk = 10;             // a walk of this length is replaced by a random partner
constexpr std::size_t kTriesPerPair = 50;  // WordNet 3.0 needs under 15; bounds the search in a small one

bool is_up(const Pointer& p) { return p.symbol == "@" || p.symbol == "@i"; }
bool is_down(const Pointer& p) { return p.symbol == "~" || p.symbol == "~i"; }

// Distance from a synset to each of its hypernyms (itself included, at 0).
std::vector<std::pair<int, int>> ancestors(const WordNet& wn, int start) {
  std::vector<std::pair<int, int>> found = {{start, 0}};
  for (std::size_t next = 0; next < found.size(); ++next) {
    const auto [node, depth] = found[next];
    for (const Pointer& p : wn.synsets[node].pointers) {
      const bool known = std::any_of(found.begin(), found.end(), [&](const auto& f) { return f.first == p.target; });
      if (is_up(p) && !known) found.push_back({p.target, depth + 1});
    }
  }
  return found;
}

// Shortest path through a common hypernym, -1 when there is none (as in NLTK's path_similarity).
int hypernym_distance(const WordNet& wn, int a, int b) {
  int best = -1;
  const auto up_b = ancestors(wn, b);
  for (const auto& [node_a, da] : ancestors(wn, a))
    for (const auto& [node_b, db] : up_b)
      if (node_a == node_b && (best < 0 || da + db < best)) best = da + db;
  return best;
}

// A random walk up and down the hypernym graph: its end is likely to be close to its start.
int walk(const WordNet& wn, int node, int steps, Rng& rng) {
  for (int s = 0; s < steps; ++s) {
    std::vector<int> up, down;
    for (const Pointer& p : wn.synsets[node].pointers) {
      if (is_up(p)) up.push_back(p.target);
      if (is_down(p)) down.push_back(p.target);
    }
    const std::vector<int>& way = up.empty() ? down : down.empty() ? up : rng.below(2) ? up : down;
    if (way.empty()) break;
    node = way[rng.below(way.size())];
  }
  return node;
}

}  // namespace

Task build_similarity_task(const WordNet& wn) {
  Task task{"similarity", "regression", "pearson", {"sentence1", "sentence2", "score"}, {}, {}};
  for (Split split : kSplits) {
    std::vector<int> pool;
    std::vector<char> in_pool(wn.synsets.size(), 0);
    for (int i = 0; i < static_cast<int>(wn.synsets.size()); ++i) {
      const Synset& s = wn.synsets[i];
      const std::size_t words = word_count(s.definition);
      if (s.pos == 'n' && synset_split(s) == split && words >= kMinWords && words <= kMaxWords) {
        pool.push_back(i);
        in_pool[i] = 1;
      }
    }
    if (pool.empty()) continue;
    const std::size_t per_bin = kPerBin[static_cast<int>(split)];
    std::array<std::vector<std::string>, kBins> bins;
    std::set<std::pair<int, int>> used;
    Rng rng(stable_hash(std::string("similarity:") + split_name(split)));
    std::size_t full = 0;
    for (std::size_t t = 0; t < kTriesPerPair * kBins * per_bin && full < kBins; ++t) {
      const int a = pool[rng.below(pool.size())];
      const int steps = 1 + static_cast<int>(rng.below(kMaxWalk));
      const int b = steps == kMaxWalk ? pool[rng.below(pool.size())] : walk(wn, a, steps, rng);
      if (!in_pool[b] || wn.synsets[a].definition == wn.synsets[b].definition || used.count(std::minmax(a, b))) continue;
      const int d = hypernym_distance(wn, a, b);
      if (d <= 0) continue;
      const double score = 10.0 / (1 + d);
      std::vector<std::string>& bin = bins[std::min(kBins - 1, static_cast<int>(score))];
      if (bin.size() == per_bin) continue;
      used.insert(std::minmax(a, b));
      char text[16];
      std::snprintf(text, sizeof text, "%.2f", score);
      const bool swap = rng.below(2);
      bin.push_back(tsv_row({wn.synsets[swap ? b : a].definition, wn.synsets[swap ? a : b].definition, text}));
      if (bin.size() == per_bin) ++full;
    }
    std::vector<std::string> rows;
    for (auto& bin : bins) rows.insert(rows.end(), bin.begin(), bin.end());
    task.split(split) = in_hash_order(std::move(rows));
  }
  return task;
}

}  // namespace peft::corpus
