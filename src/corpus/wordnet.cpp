// Reader of the WordNet 3.0 database files; the line format is the one documented in wndb(5WN):
//   offset lex_filenum ss_type w_cnt {word lex_id} p_cnt {symbol offset pos src/tgt} [frames] | gloss
#include "corpus/wordnet.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "corpus/text.h"
#include "io/atomic_file.h"

namespace peft::corpus {
namespace {

// lexnames(5WN): fixed for WordNet 3.x. Debian's wordnet-base does not ship the `lexnames` file
// itself, so the table is spelled out here.
const char* const kLexnames[] = {
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
    "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
    "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
    "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
    "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change",
    "verb.cognition", "verb.communication", "verb.competition", "verb.consumption", "verb.contact",
    "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social",
    "verb.stative", "verb.weather", "adj.ppl"};
constexpr int kFirstNounLexname = 3, kLastNounLexname = 28;

std::uint64_t index_key(char pos, std::uint32_t offset) {
  return (static_cast<std::uint64_t>(static_cast<unsigned char>(file_pos(pos))) << 32) | offset;
}

// Reads the whitespace-separated fields of a synset line, naming the field on every error.
class Fields {
 public:
  Fields(std::string_view text, const std::string& where) : in_(std::string(text)), where_(where) {}

  std::string word(const char* field) {
    std::string w;
    require(static_cast<bool>(in_ >> w), where_ + ": missing field " + field);
    return w;
  }

  unsigned long number(const char* field, int base) {
    const std::string w = word(field);
    std::size_t used = 0;
    unsigned long value = 0;
    try {
      value = std::stoul(w, &used, base);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == w.size() && used > 0, where_ + ": field " + field + " is not a number: '" + w + "'");
    return value;
  }

 private:
  std::istringstream in_;
  const std::string& where_;
};

std::string spaced(std::string word) {
  for (char& c : word)
    if (c == '_') c = ' ';
  return word;
}

std::string clean_lemma(std::string word, char pos) {
  // Adjective syntactic markers: "long(a)", "able(p)", "elect(ip)".
  if (file_pos(pos) == 'a' && !word.empty() && word.back() == ')') {
    const std::size_t open = word.rfind('(');
    if (open != std::string::npos && open > 0) word.erase(open);
  }
  return spaced(std::move(word));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Exceptions read_exceptions(const std::string& path) {
  Exceptions exc;
  for (const std::string& line : lines_of(io::read_file(path))) {
    std::istringstream fields(line);
    std::string inflected, base;
    if (!(fields >> inflected)) continue;
    while (fields >> base) exc[spaced(inflected)].push_back(spaced(base));
  }
  return exc;
}

}  // namespace

char file_pos(char pos) { return pos == 's' ? 'a' : pos; }

std::string Synset::key() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%08u", file_pos(pos), static_cast<unsigned>(offset));
  return buf;
}

int WordNet::find(char pos, std::uint32_t offset) const {
  const auto it = index.find(index_key(pos, offset));
  return it == index.end() ? -1 : it->second;
}

const std::vector<std::string>& noun_lexnames() {
  static const std::vector<std::string> names(kLexnames + kFirstNounLexname, kLexnames + kLastNounLexname + 1);
  return names;
}

Gloss parse_gloss(std::string_view gloss) {
  Gloss out;
  std::string part;
  auto flush_part = [&] {
    const std::string text = clean_text(part);
    if (!text.empty()) out.definition += (out.definition.empty() ? "" : "; ") + text;
    part.clear();
  };
  std::size_t i = 0;
  while (i < gloss.size()) {
    const char c = gloss[i];
    if (c == '"' && clean_text(part).empty()) {
      std::size_t close = gloss.find('"', i + 1);
      if (close == std::string_view::npos) close = gloss.size();  // a few glosses miss the closing quote
      std::string example = clean_text(gloss.substr(i + 1, close - i - 1));
      if (!example.empty()) out.examples.push_back(std::move(example));
      const std::size_t next = gloss.find(';', std::min(close + 1, gloss.size()));
      part.clear();
      i = next == std::string_view::npos ? gloss.size() : next + 1;
    } else if (c == ';') {
      flush_part();
      ++i;
    } else {
      part += c;
      ++i;
    }
  }
  flush_part();
  return out;
}

Synset parse_synset_line(std::string_view line, const std::string& where) {
  const std::size_t bar = line.find(" | ");
  require(bar != std::string_view::npos, where + ": no ' | ' before the gloss");
  Fields fields(line.substr(0, bar), where);
  Synset s;
  s.offset = static_cast<std::uint32_t>(fields.number("synset_offset", 10));
  const unsigned long lex_filenum = fields.number("lex_filenum", 10);
  require(lex_filenum < std::size(kLexnames), where + ": field lex_filenum out of range: " + std::to_string(lex_filenum));
  s.lexname = kLexnames[lex_filenum];
  const std::string ss_type = fields.word("ss_type");
  require(ss_type.size() == 1 && std::string("nvasr").find(ss_type[0]) != std::string::npos,
          where + ": field ss_type is not one of n v a s r: '" + ss_type + "'");
  s.pos = ss_type[0];
  const unsigned long w_cnt = fields.number("w_cnt", 16);
  for (unsigned long k = 0; k < w_cnt; ++k) {
    s.lemmas.push_back(clean_lemma(fields.word("word"), s.pos));
    fields.number("lex_id", 16);
  }
  const unsigned long p_cnt = fields.number("p_cnt", 10);
  for (unsigned long k = 0; k < p_cnt; ++k) {
    Pointer p;
    p.symbol = fields.word("pointer_symbol");
    p.offset = static_cast<std::uint32_t>(fields.number("pointer offset", 10));
    const std::string pos = fields.word("pointer pos");
    require(pos.size() == 1 && std::string("nvasr").find(pos[0]) != std::string::npos,
            where + ": field pointer pos is not one of n v a s r: '" + pos + "'");
    p.pos = pos[0];
    fields.number("pointer source/target", 16);
    s.pointers.push_back(std::move(p));
  }
  // Verb frames follow; nothing here uses them.
  Gloss gloss = parse_gloss(line.substr(bar + 3));
  s.definition = std::move(gloss.definition);
  s.examples = std::move(gloss.examples);
  return s;
}

WordNet load_wordnet(const std::string& dir) {
  namespace fs = std::filesystem;
  WordNet wn;
  const std::pair<const char*, char> files[] = {{"noun", 'n'}, {"verb", 'v'}, {"adj", 'a'}, {"adv", 'r'}};
  for (const auto& [name, pos] : files) {
    const std::string data = dir + "/data." + name, exc = dir + "/" + name + ".exc";
    for (const std::string& path : {data, exc})
      require(fs::is_regular_file(path), path + ": WordNet file missing: install it with `apt-get install wordnet-base` or pass --wordnet DIR");
    const std::vector<std::string> lines = lines_of(io::read_file(data));
    for (std::size_t n = 0; n < lines.size(); ++n) {
      // The license header lines start with two spaces.
      if (lines[n].empty() || lines[n][0] == ' ') continue;
      Synset s = parse_synset_line(lines[n], data + ":" + std::to_string(n + 1));
      require(file_pos(s.pos) == pos, data + ":" + std::to_string(n + 1) + ": field ss_type '" + s.pos + "' does not belong in this file");
      const bool fresh = wn.index.emplace(index_key(s.pos, s.offset), static_cast<int>(wn.synsets.size())).second;
      require(fresh, data + ":" + std::to_string(n + 1) + ": duplicate synset_offset " + std::to_string(s.offset));
      wn.synsets.push_back(std::move(s));
    }
    wn.exceptions[pos] = read_exceptions(exc);
  }
  for (Synset& s : wn.synsets) {
    for (Pointer& p : s.pointers) {
      p.target = wn.find(p.pos, p.offset);
      require(p.target >= 0, dir + ": synset " + s.key() + " points to missing synset " + p.pos + " " + std::to_string(p.offset));
    }
  }
  return wn;
}

}  // namespace peft::corpus
