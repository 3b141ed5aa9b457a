// A character-level language model from C++: embedding -> nn::LSTM (written with
// scan) -> softmax, trained with Adam on the text of the book, then sampled from.
// The C++ twin of examples/python/char_rnn.py.
//
//   ./build/char_rnn [TEXT_DIR_OR_FILE] [ITERATIONS]
//   (default: $NABLA_BOOK_TEXT, else ../shared/book; 1000 iterations)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "nabla.hpp"
#include "ops/take_rows.hpp"

using namespace nabla;
namespace fs = std::filesystem;

static std::string read_text(const std::string& path) {
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const auto& e : fs::directory_iterator(path))
      if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(path)) {
    files.push_back(path);
  }
  if (files.empty()) {
    std::fprintf(stderr, "char_rnn: no text found at '%s' (pass a directory or file, or set NABLA_BOOK_TEXT)\n",
                 path.c_str());
    std::exit(1);
  }
  std::string text;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    text += ss.str();
  }
  return text;
}

int main(int argc, char** argv) {
  const char* env = std::getenv("NABLA_BOOK_TEXT");
  const std::string path = argc > 1 ? argv[1] : (env ? env : "../shared/book");
  const int iterations = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int64_t seq_len = 50, batch = 32, n_emb = 32, n_hidden = 128;

  // Bytes as symbols (UTF-8 sequences become several symbols: fine for a language model).
  const std::string text = read_text(path);
  std::map<unsigned char, int64_t> index;
  for (unsigned char c : text) index.emplace(c, 0);
  std::vector<unsigned char> symbols;
  for (auto& [c, i] : index) {
    i = int64_t(symbols.size());
    symbols.push_back(c);
  }
  const int64_t V = int64_t(symbols.size());
  std::vector<int64_t> ids;
  std::vector<double> freq(size_t(V), 0.0);
  for (unsigned char c : text) {
    ids.push_back(index[c]);
    freq[size_t(index[c])] += 1.0;
  }
  double unigram = 0;
  for (double f : freq)
    if (f > 0) unigram -= f / double(ids.size()) * std::log2(f / double(ids.size()));
  std::printf("text: %zu bytes, %lld distinct; unigram entropy %.3f bits/symbol\n", ids.size(), (long long)V, unigram);

  nn::Rng rng(1);
  Var E = shared(nn::normal({V, n_emb}, 0.0, 0.1, rng), "E");
  nn::LSTM lstm(n_emb, n_hidden, "lstm");
  lstm.initialize(rng, nn::Init::Default);
  nn::FullyConnected out(n_hidden, V, nn::Activation::Linear, 0.0, "out");
  out.initialize(rng, nn::Init::Default);

  Var inputs = input(DType::Int64, Shape{seq_len, batch}, "inputs");
  Var targets = input(DType::Int64, Shape{seq_len * batch}, "targets");
  Var x = reshape(take_rows(E, reshape(inputs, {Dim(int64_t(-1))})), {Dim(seq_len), Dim(batch), Dim(n_emb)});
  Var h = lstm(x);
  Var logits = out.weighted_input(reshape(h, {Dim(int64_t(-1)), Dim(n_hidden)}));
  Var cost = mean(softmax_xent(logits, targets));  // nats per symbol
  std::vector<Var> params{E};
  for (const Var& p : lstm.params()) params.push_back(p);
  for (const Var& p : out.params()) params.push_back(p);
  optim::Adam adam(3e-3);
  Function train = function({inputs, targets}, {cost}, adam.updates(params, grad(cost, params)));

  std::mt19937_64 gen(7);
  std::uniform_int_distribution<size_t> start(0, ids.size() - size_t(seq_len) - 2);
  Tensor xs(DType::Int64, Shape{seq_len, batch}), ys(DType::Int64, Shape{seq_len * batch});
  const auto t0 = std::chrono::steady_clock::now();
  double running = -1;
  for (int it = 1; it <= iterations; ++it) {
    for (int64_t b = 0; b < batch; ++b) {
      const size_t s = start(gen);
      for (int64_t t = 0; t < seq_len; ++t) {
        xs.data<int64_t>()[t * batch + b] = ids[s + size_t(t)];
        ys.data<int64_t>()[t * batch + b] = ids[s + size_t(t) + 1];
      }
    }
    const double bits = train({xs, ys})[0].item() / std::log(2.0);
    running = running < 0 ? bits : 0.95 * running + 0.05 * bits;
    if (it % 100 == 0 || it == iterations) {
      const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("iteration %d: loss %.3f bits/symbol (unigram %.3f), %.0f symbols/s\n", it, running, unigram,
                  double(it) * double(batch * seq_len) / sec);
      std::fflush(stdout);
    }
  }

  // Sampling: the model reads the last seq_len symbols and draws the next (temperature 0.8).
  Var ctx = input(DType::Int64, Shape{-1, 1}, "context");
  Var hc = lstm(reshape(take_rows(E, reshape(ctx, {Dim(int64_t(-1))})), {Dim(shape_i(ctx, 0)), Dim(int64_t(1)), Dim(n_emb)}));
  Var last = subtensor(hc, {Index::at(Bound(int64_t(-1)))});
  Function next = function({ctx}, {softmax(out.weighted_input(last))});
  std::vector<int64_t> sample(ids.begin(), ids.begin() + seq_len);
  std::string drawn;
  for (int k = 0; k < 300; ++k) {
    Tensor c(DType::Int64, Shape{seq_len, 1});
    for (int64_t t = 0; t < seq_len; ++t) c.data<int64_t>()[t] = sample[sample.size() - size_t(seq_len) + size_t(t)];
    const Tensor p = next({c})[0];
    std::vector<double> w(static_cast<size_t>(V));
    for (int64_t v = 0; v < V; ++v) w[size_t(v)] = std::pow(p.at(v), 1.0 / 0.8);
    std::discrete_distribution<int64_t> pick(w.begin(), w.end());
    const int64_t s = pick(gen);
    sample.push_back(s);
    drawn.push_back(char(symbols[size_t(s)]));
  }
  std::printf("sample:\n%s\n", drawn.c_str());
  return 0;
}
