// `peft vocab`: trains a lower-cased BERT WordPiece vocabulary on a text corpus and writes it as
// vocab.txt + tokenizer.json, ready for `peft` and for HF tokenizers.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/output_guard.h"
#include "text/wordpiece_tokenizer.h"
#include "text/wordpiece_trainer.h"

namespace peft::cli {

void add_vocab_command(CLI::App& app) {
  struct Args {
    std::string corpus, out;
    size_t size = 0;
    size_t min_frequency = text::WordPieceTrainerOptions{}.min_frequency;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("vocab", "Train a lower-cased BERT WordPiece vocabulary on a text corpus");
  cmd->add_option("--corpus", args->corpus, "Text file to learn from (UTF-8, any line length)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--size", args->size, "Vocabulary size, special tokens included")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--min-frequency", args->min_frequency, "Pairs seen fewer times are not merged")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Directory for vocab.txt and tokenizer.json")->required();
  cmd->callback([args] {
    refuse_overlap("--out", args->out, {{"--corpus", args->corpus}});
    text::WordPieceTrainerOptions options;
    options.vocab_size = args->size;
    options.min_frequency = args->min_frequency;
    const std::vector<std::string> vocab = text::train_wordpiece_vocab(args->corpus, options);
    text::WordPieceTokenizer::from_vocab(vocab, options.lowercase).save(args->out);
    std::cout << "vocab: " << vocab.size() << " tokens written to " << args->out << "/vocab.txt and " << args->out
              << "/tokenizer.json\n";
  });
}

}  // namespace peft::cli
