// Trains a byte-level BPE with HF tokenizers on one text file and prints {"seconds": …, "vocab_size": …}.
// The Node binding (0.23) trains with the model's default trainer, whose vocabulary size is fixed at 30,000:
// `llmlab bench tokenizer` compares us with it at that size.
// usage: node hf_train.js INPUT OUT.json
const { Tokenizer, BPE, byteLevelPreTokenizer } = require('tokenizers');
const [input, out] = process.argv.slice(2);
const tokenizer = new Tokenizer(BPE.empty());
tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true)); // GPT-2's regex split + byte-to-unicode, no prefix space
const start = process.hrtime.bigint();
tokenizer.train([input]);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
tokenizer.save(out);
console.log(JSON.stringify({ seconds, vocab_size: tokenizer.getVocabSize(true) }));
