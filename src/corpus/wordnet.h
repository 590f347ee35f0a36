// Reader of the WordNet 3.0 database files (wndb(5WN) format, Debian package wordnet-base): synsets
// with their lexicographer category, lemmas, pointers, definition and example sentences.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace peft::corpus {

struct Pointer {
  std::string symbol;  // "@" hypernym, "@i" instance hypernym, "~" hyponym, "~i" instance hyponym, ...
  char pos = 'n';      // pos of the target as written ('s' for satellites is folded to 'a' on lookup)
  std::uint32_t offset = 0;
  int target = -1;     // index into WordNet::synsets, set by load_wordnet
};

struct Gloss {
  std::string definition;             // the unquoted parts, "; "-joined
  std::vector<std::string> examples;  // the quoted parts, without quotes or attributions
};

struct Synset {
  std::uint32_t offset = 0;
  char pos = 'n';                   // n v a s r
  std::string lexname;              // e.g. "noun.animal"
  std::vector<std::string> lemmas;  // underscores turned into spaces, adjective markers like "(p)" dropped
  std::vector<Pointer> pointers;
  std::string definition;
  std::vector<std::string> examples;

  std::string key() const;  // "n02084071": file pos + offset, unique in the database
};

using Exceptions = std::unordered_map<std::string, std::vector<std::string>>;  // inflected -> bases

struct WordNet {
  std::vector<Synset> synsets;            // data.noun, data.verb, data.adj, data.adv, each in file order
  std::map<char, Exceptions> exceptions;  // by file pos n v a r, from noun.exc ... adv.exc

  int find(char pos, std::uint32_t offset) const;  // index into synsets, -1 if absent
  std::unordered_map<std::uint64_t, int> index;
};

char file_pos(char pos);  // the data file a pos lives in: 's' (satellite adjective) -> 'a'

// The 26 noun lexicographer files (noun.Tops ... noun.time) in file-number order.
const std::vector<std::string>& noun_lexnames();

// Splits a gloss into definition and examples: a ';'-separated part opening with '"' is an example
// (whatever follows its closing quote, like `- Shakespeare`, is an attribution and dropped).
Gloss parse_gloss(std::string_view gloss);

// One synset line of a data.* file; `where` ("path:line") prefixes every error message.
Synset parse_synset_line(std::string_view line, const std::string& where);

// Reads data.{noun,verb,adj,adv} and {noun,verb,adj,adv}.exc from dir and links the pointers.
WordNet load_wordnet(const std::string& dir);

}  // namespace peft::corpus
