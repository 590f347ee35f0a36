// Reader of the Collaborative International Dictionary of English as Debian's dict-gcide ships it
// (/usr/share/dictd/gcide.dict.dz, dictd text, gzip-compatible): its definitions and quotations as prose.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace peft::corpus {

// The prose of dictd GCIDE text, one cleaned line per definition, note or quotation paragraph.
// Kept: paragraphs whose last line is a source tag ("[1913 Webster]", "[PJC]"), which marks every
// dictionary paragraph and no licence or header text. Left out: WordNet-derived entries (their source
// tag says WordNet; WordNet's own glosses already enter the corpus, held-out ones must not), synonym
// lists, headword lines with pronunciation and etymology, citations ("--Shak."), usage labels
// ("[Obs.]", "(Zool.)"), sense numbers and the markup of cross-references ("{Di*chot"o*my}").
std::vector<std::string> split_gcide(std::string_view dict_text);

// split_gcide of the file at path, gzip-compressed (.dz) or plain; a missing file names its package.
std::vector<std::string> read_gcide(const std::string& path);

}  // namespace peft::corpus
