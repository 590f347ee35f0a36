// Trains a WordPiece vocabulary the way HF tokenizers' WordPieceTrainer does: characters first, then
// BPE-style merges of the most frequent adjacent pair ("##"-prefixed continuations) up to the size.
#include "text/wordpiece_trainer.h"

#include <algorithm>
#include <cstdint>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "text/unicode.h"

namespace peft::text {
namespace {

const std::string kPrefix = "##";

using Pair = uint64_t;  // (left id << 32) | right id: ordering keys orders pairs lexicographically
Pair pair_of(int32_t a, int32_t b) { return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b); }
int32_t left_of(Pair p) { return static_cast<int32_t>(p >> 32); }
int32_t right_of(Pair p) { return static_cast<int32_t>(p & 0xFFFFFFFFu); }

class Vocab {
 public:
  int32_t add(const std::string& token) {  // the id of the token, added when new
    const auto [it, inserted] = ids_.try_emplace(token, static_cast<int32_t>(tokens_.size()));
    if (inserted) tokens_.push_back(token);
    return it->second;
  }
  const std::string& operator[](int32_t id) const { return tokens_[static_cast<size_t>(id)]; }
  size_t size() const { return tokens_.size(); }
  std::vector<std::string> release() { return std::move(tokens_); }

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> ids_;
};

// The `limit` most frequent characters (ties: lower code point), in code point order.
std::vector<char32_t> choose_alphabet(const std::vector<std::u32string>& words, const std::vector<WordCount>& counts,
                                      size_t limit) {
  std::unordered_map<char32_t, uint64_t> freq;
  for (size_t i = 0; i < words.size(); ++i) {
    for (char32_t c : words[i]) freq[c] += counts[i].count;
  }
  std::vector<std::pair<char32_t, uint64_t>> chars(freq.begin(), freq.end());
  std::sort(chars.begin(), chars.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  if (chars.size() > limit) chars.resize(limit);
  std::vector<char32_t> alphabet;
  for (const auto& entry : chars) alphabet.push_back(entry.first);
  std::sort(alphabet.begin(), alphabet.end());
  return alphabet;
}

// Words as symbol ids, the count of every adjacent pair and which words hold it, and the merge loop.
class Merger {
 public:
  Merger(std::vector<std::vector<int32_t>> words, std::vector<int64_t> counts)
      : words_(std::move(words)), counts_(std::move(counts)) {
    for (uint32_t w = 0; w < words_.size(); ++w) {
      for (size_t i = 0; i + 1 < words_[w].size(); ++i) add(pair_of(words_[w][i], words_[w][i + 1]), counts_[w], w);
    }
  }

  void run(Vocab& vocab, size_t vocab_size, size_t min_frequency) {
    struct Entry {
      int64_t count;
      Pair pair;
      // Most frequent first; among equals the smaller pair of ids, as HF breaks ties.
      bool operator<(const Entry& o) const { return count != o.count ? count < o.count : pair > o.pair; }
    };
    std::priority_queue<Entry> queue;
    for (const auto& [pair, count] : counts_of_pairs_) queue.push({count, pair});
    const int64_t min_count = static_cast<int64_t>(std::max<size_t>(min_frequency, 1));
    while (vocab.size() < vocab_size && !queue.empty()) {
      const Entry top = queue.top();
      queue.pop();
      const auto it = counts_of_pairs_.find(top.pair);
      const int64_t count = it == counts_of_pairs_.end() ? 0 : it->second;
      if (count != top.count) {  // stale: counts changed since it was queued
        if (count > 0) queue.push({count, top.pair});
        continue;
      }
      if (count < min_count) break;
      const int32_t a = left_of(top.pair), b = right_of(top.pair);
      const std::string& right = vocab[b];
      const bool continued = right.compare(0, kPrefix.size(), kPrefix) == 0;
      const int32_t merged = vocab.add(vocab[a] + right.substr(continued ? kPrefix.size() : 0));
      std::vector<uint32_t> holders = std::move(where_[top.pair]);
      where_.erase(top.pair);
      counts_of_pairs_.erase(top.pair);
      std::sort(holders.begin(), holders.end());
      holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
      touched_.clear();
      for (uint32_t w : holders) merge(w, a, b, merged);
      std::sort(touched_.begin(), touched_.end());
      touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
      for (Pair p : touched_) {
        const int64_t c = counts_of_pairs_[p];
        if (c > 0) queue.push({c, p});
      }
    }
  }

 private:
  void add(Pair p, int64_t delta, uint32_t word) {
    counts_of_pairs_[p] += delta;
    if (delta <= 0) return;
    std::vector<uint32_t>& holders = where_[p];
    if (holders.empty() || holders.back() != word) holders.push_back(word);
  }

  // Replaces every (a, b) in word w, left to right, and updates the counts of the neighbouring pairs.
  void merge(uint32_t w, int32_t a, int32_t b, int32_t merged) {
    std::vector<int32_t>& s = words_[w];
    const int64_t n = counts_[w];
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] != a || s[i + 1] != b) continue;
      if (i > 0) {
        add(pair_of(s[i - 1], a), -n, w);
        add(pair_of(s[i - 1], merged), n, w);
        touched_.push_back(pair_of(s[i - 1], merged));
      }
      s[i] = merged;
      s.erase(s.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      if (i + 1 < s.size()) {
        add(pair_of(b, s[i + 1]), -n, w);
        add(pair_of(merged, s[i + 1]), n, w);
        touched_.push_back(pair_of(merged, s[i + 1]));
      }
    }
  }

  std::vector<std::vector<int32_t>> words_;
  std::vector<int64_t> counts_;
  std::unordered_map<Pair, int64_t> counts_of_pairs_;
  std::unordered_map<Pair, std::vector<uint32_t>> where_;  // words holding the pair (may be stale)
  std::vector<Pair> touched_;                              // pairs that gained counts in this merge
};

}  // namespace

std::vector<std::string> train_wordpiece_vocab(const std::string& corpus_path, const WordPieceTrainerOptions& options) {
  BertNormalizer normalizer;
  normalizer.lowercase = options.lowercase;
  return train_wordpiece_vocab(count_words(corpus_path, normalizer), options);
}

std::vector<std::string> train_wordpiece_vocab(const std::vector<WordCount>& counts,
                                               const WordPieceTrainerOptions& options) {
  Vocab vocab;
  for (const std::string& special : options.special_tokens) vocab.add(special);

  std::vector<std::u32string> words;
  words.reserve(counts.size());
  for (const WordCount& wc : counts) words.push_back(decode_utf8(wc.word));
  const std::vector<char32_t> alphabet = choose_alphabet(words, counts, options.limit_alphabet);
  std::unordered_map<char32_t, int32_t> initial_ids, continuation_ids;
  for (char32_t c : alphabet) initial_ids[c] = vocab.add(encode_utf8(std::u32string(1, c)));
  // "##c" for each character seen after the start of a word; a character outside the alphabet is
  // dropped from the word but still counts as its start, as in HF.
  std::unordered_set<char32_t> seen_continued;
  for (const std::u32string& w : words) {
    for (size_t i = 1; i < w.size(); ++i) {
      if (initial_ids.count(w[i])) seen_continued.insert(w[i]);
    }
  }
  std::vector<char32_t> continued(seen_continued.begin(), seen_continued.end());
  std::sort(continued.begin(), continued.end());
  for (char32_t c : continued) continuation_ids[c] = vocab.add(kPrefix + encode_utf8(std::u32string(1, c)));

  std::vector<std::vector<int32_t>> symbols(words.size());
  std::vector<int64_t> weights(words.size());
  for (size_t w = 0; w < words.size(); ++w) {
    weights[w] = static_cast<int64_t>(counts[w].count);
    for (size_t i = 0; i < words[w].size(); ++i) {
      const auto& ids = i == 0 ? initial_ids : continuation_ids;
      if (const auto it = ids.find(words[w][i]); it != ids.end()) symbols[w].push_back(it->second);
    }
  }
  words.clear();
  Merger(std::move(symbols), std::move(weights)).run(vocab, options.vocab_size, options.min_frequency);
  return vocab.release();
}

}  // namespace peft::text
