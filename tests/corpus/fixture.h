// Writes a small made-up WordNet database and fortune directory in the installed packages' formats,
// so the corpus tests never read /usr/share: a few hand-written lines plus generated trees.
#pragma once
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "corpus/held_out.h"
#include "corpus/sources.h"

namespace corpus_test {

struct Fixture {
  peft::corpus::Sources sources;
  // Every headword occurrence the example sentences hold, as tokens joined by spaces -> its tag type.
  std::map<std::string, std::string> headwords;
};

// A unique made-up word per index and prefix: "bo" + consonant-vowel syllables ("bobade").
inline std::string made_up_word(const std::string& prefix, int i) {
  static const std::string consonants = "bdfgklmnprtvz", vowels = "aeiou";
  std::string w = prefix;
  for (int k = 0; k < 2; ++k, i /= 65) w += std::string(1, consonants[i % 65 / 5]) + vowels[i % 5];
  return w;
}

inline void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// One data.* line; pointers are "symbol offset pos" triples.
inline std::string synset_line(int offset, int lex, char pos, const std::vector<std::string>& words,
                               const std::vector<std::string>& pointers, const std::string& gloss) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08d %02d %c %02x ", offset, lex, pos, static_cast<unsigned>(words.size()));
  std::string line = buf;
  for (const std::string& w : words) line += w + " 0 ";
  std::snprintf(buf, sizeof buf, "%03zu ", pointers.size());
  line += buf;
  for (const std::string& p : pointers) line += p + " 0000 ";
  return line + "| " + gloss + "  \n";
}

inline std::string pointer(const char* symbol, int offset, char pos) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %08d %c", symbol, offset, pos);
  return buf;
}

// A tree of n synsets of one pos (parent of i is (i - 1) / 3) with offsets base + i, one example each.
// `example` puts the inflected headword into a sentence; `inflect` gives that inflected form.
template <class Example, class Inflect>
std::string synset_tree(int base, int n, char pos, const std::string& prefix, Example example, Inflect inflect,
                        Fixture& fx, const std::string& tag) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> ptrs;
    if (i > 0) ptrs.push_back(pointer("@", base + (i - 1) / 3, pos));
    for (int c = 3 * i + 1; c <= 3 * i + 3 && c < n; ++c) ptrs.push_back(pointer("~", base + c, pos));
    std::vector<std::string> words = {made_up_word(prefix, i)};
    if (i % 10 == 1 && i + 1 < n) words.push_back(made_up_word(prefix, i + 1));  // a lemma with two senses
    const int lex = pos == 'n' ? 3 + i % 26 : pos == 'v' ? 29 + i % 15 : pos == 'r' ? 2 : 0;
    const std::string parent = made_up_word(prefix, i > 0 ? (i - 1) / 3 : 0);
    const std::string gloss = "a sort of " + parent + " kept in hall " + std::to_string(i % 7) + " under mark " +
                              std::to_string(base + i) + "; \"" + example(inflect(words[0])) + "\"";
    fx.headwords[inflect(words[0])] = tag;
    text += synset_line(base + i, lex, pos, words, ptrs, gloss);
  }
  return text;
}

// dictd GCIDE text: a header, then entries as dict-gcide lays them out (see tests/corpus/test-gcide.cpp).
inline const char* const kGcideSample =
    "00-database-short\n   The Collaborative International Dictionary of English v.0.48\n\n"
    "Abdicator \\Ab\"di*ca`tor\\, n. [L.\n   abdicator.]\n   One who abdicates a high office.\n   [1913 Webster]\n\n"
    "Dichotomy \\Di*chot\"o*my\\, n.\n   1. (Astron.) That phase of the moon in which it appears bisected. [R.]\n"
    "      --Whewell.\n      [1913 Webster]\n\n"
    "            A general breach or dichotomy with their church.\n                                                  --Sir T.\n"
    "                                                  Browne.\n      [1913 Webster]\n\n"
    "1st-class \\1st-class\\ n.\n   1. a class of mail sealed against inspection\n\n"
    "   Syn: first-class, first-class mail\n        [WordNet 1.5]\n";

inline Fixture write_fixture(const std::string& root) {
  namespace fs = std::filesystem;
  Fixture fx;
  fx.sources.wordnet_dir = root + "/wordnet";
  fx.sources.fortunes_dir = root + "/fortunes";
  fs::create_directories(fx.sources.wordnet_dir);
  fs::create_directories(fx.sources.fortunes_dir);
  const std::string wn = fx.sources.wordnet_dir + "/";
  const std::string header = "  1 This software and database is being provided to you, the LICENSEE, by  \n";

  // Hand-written lines: an irregular plural, a multi-word verb, an adjective marker.
  std::string nouns = header + synset_tree(
      1000, 400, 'n', "bo", [](const std::string& w) { return "the " + w + " stood in a row"; },
      [](const std::string& w) { return w + "s"; }, fx, "NOUN");
  nouns += synset_line(9000, 5, 'n', {"goose"}, {pointer("@", 1000, 'n')},
                       "web-footed long-necked typically gregarious migratory aquatic birds; \"the geese flew south\"");
  fx.headwords["geese"] = "NOUN";
  std::string verbs = header + synset_tree(
      2000, 150, 'v', "ke", [](const std::string& w) { return "they " + w + " the thing quickly"; },
      [](const std::string& w) { return w + "ed"; }, fx, "VERB");
  verbs += synset_line(9001, 29, 'v', {"take_a_breath"}, {},
                       "draw air into, and expel out of, the lungs; \"he took a breath and dived\"- Anon");
  fx.headwords["took a breath"] = "VERB";
  std::string adjs = header + synset_tree(
      3000, 120, 'a', "ma", [](const std::string& w) { return "a very " + w + " idea"; },
      [](const std::string& w) { return w; }, fx, "ADJ");
  adjs += synset_line(9002, 0, 'a', {"able(p)"}, {},
                      "(usually followed by `to') having the necessary means or skill; \"able to swim\"");
  fx.headwords["able"] = "ADJ";
  const std::string advs = header + synset_tree(
      4000, 60, 'r', "ru", [](const std::string& w) { return "she spoke " + w + " today"; },
      [](const std::string& w) { return w; }, fx, "ADV");
  write_text(wn + "data.noun", nouns);
  write_text(wn + "data.verb", verbs);
  write_text(wn + "data.adj", adjs);
  write_text(wn + "data.adv", advs);
  write_text(wn + "noun.exc", "geese goose\n");
  write_text(wn + "verb.exc", "took take\n");
  write_text(wn + "adj.exc", "");
  write_text(wn + "adv.exc", "best well\n");

  // 30 fortunes per task category, one of them repeated under a second category; some clutter besides.
  const std::string fd = fx.sources.fortunes_dir + "/";
  for (const std::string& category : peft::corpus::fortune_task_categories()) {
    std::string text;
    for (int i = 0; i < 30; ++i)
      text += "Fortune " + std::to_string(i) + " about " + category + "\nsays that " + category +
              " is a fine thing.\n\t\t-- Someone\n%\n";
    text += "Too short.\n%\nShared wisdom of two files, told twice over.\n";
    write_text(fd + category, text);
    write_text(fd + category + ".dat", "binary index");
  }
  write_text(fd + "misc", "An _\bu_\bn_\bd_\be_\br_\bl_\bi_\bn_\be_\bd word.\n%\n\n%\nLast one\nwithout a newline");
  write_text(fd + "ascii-art", "  /\\_/\\\n ( o.o )\n%\n");

  fx.sources.gcide_path = root + "/gcide.dict";  // plain dictd text: the reader takes it as it takes .dz
  write_text(fx.sources.gcide_path, kGcideSample);
  return fx;
}

}  // namespace corpus_test
