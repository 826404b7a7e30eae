// Encodes one UTF-8 text file with tiktoken's GPT-2 encoding REPEATS times; prints the time of each pass, the token
// count and an FNV-1a hash of the ids, so the caller can check the ids equal its own.
// usage: node tiktoken_encode.js INPUT REPEATS
const fs = require('fs');
const { get_encoding } = require('tiktoken');
const [input, repeats] = [process.argv[2], Number(process.argv[3] || 3)];
const text = fs.readFileSync(input, 'utf8');
const enc = get_encoding('gpt2');
const seconds = [];
let ids = null;
enc.encode_ordinary(text.slice(0, 10000)); // warm-up
for (let r = 0; r < repeats; r++) {
  const start = process.hrtime.bigint();
  ids = enc.encode_ordinary(text);
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
}
let hash = 0xcbf29ce484222325n;
for (const id of ids) { hash ^= BigInt(id); hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn; }
console.log(JSON.stringify({ seconds, tokens: ids.length, hash: hash.toString() }));
enc.free();
