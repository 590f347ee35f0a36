// Where the corpus and task builders read their raw text: the directories of two Debian packages.
// Both can be pointed elsewhere (tests build tiny copies in a temp dir).
#pragma once
#include <string>

namespace peft::corpus {

struct Sources {
  std::string wordnet_dir = "/usr/share/wordnet";          // apt package wordnet-base
  std::string fortunes_dir = "/usr/share/games/fortunes";  // apt packages fortunes, fortunes-min
};

}  // namespace peft::corpus
