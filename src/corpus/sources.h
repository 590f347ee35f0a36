// Where the corpus and task builders read their raw text: the files of three Debian packages.
// Each can be pointed elsewhere (tests build tiny copies in a temp dir); the tasks use WordNet and fortunes only.
#pragma once
#include <string>

namespace peft::corpus {

struct Sources {
  std::string wordnet_dir = "/usr/share/wordnet";          // apt package wordnet-base
  std::string fortunes_dir = "/usr/share/games/fortunes";  // apt packages fortunes, fortunes-min
  std::string gcide_path = "/usr/share/dictd/gcide.dict.dz";  // apt package dict-gcide; "" leaves it out
};

}  // namespace peft::corpus
