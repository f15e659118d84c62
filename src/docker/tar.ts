// A minimal ustar writer: files given as path → content become one tar archive, which
// `putArchive` unpacks into a container before its node starts (config files of a node).

function header(name: string, size: number, mode: number): Buffer {
  const h = Buffer.alloc(512);
  const field = (s: string, off: number, len: number) => h.write(s, off, len, 'utf8');
  const octal = (n: number, off: number, len: number) => field(n.toString(8).padStart(len - 1, '0') + '\0', off, len);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    // ustar splits long paths at a slash: up to 155 bytes of prefix, up to 100 of name.
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`path too long for tar: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  field(base, 0, 100);
  octal(mode, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(size, 124, 12);
  octal(Math.floor(Date.now() / 1000), 136, 12);
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  field('0', 156, 1); // regular file
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  field(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  field(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** A tar archive of the files (absolute paths are stored relative to /). */
export function tarFiles(files: Readonly<Record<string, string | Buffer>>, mode = 0o644): Buffer {
  const parts: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    parts.push(header(path.replace(/^\/+/, ''), data.length, mode), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** The content of the first regular file in a tar archive (what `getArchive` of one file returns). */
export function untarFirst(tar: Buffer): Buffer {
  for (const f of untarAll(tar)) return f.data;
  return Buffer.alloc(0);
}

/** Every regular file of a ustar archive: its path (prefix joined) and content. */
export function* untarAll(tar: Buffer): Generator<{ path: string; data: Buffer }> {
  const text = (h: Buffer, off: number, len: number) => h.toString('utf8', off, off + len).replace(/\0.*$/s, '');
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(text(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    const start = off + 512;
    const prefix = text(h, 345, 155);
    const name = text(h, 0, 100);
    if (type === '0' || type === '\0') yield { path: prefix ? `${prefix}/${name}` : name, data: tar.subarray(start, start + size) };
    off = start + Math.ceil(size / 512) * 512;
  }
}
