import { crc32, deflateSync } from "node:zlib";
import type { FastifyPluginAsync } from "fastify";

const SIZE = 32;
/** The service's mark: a speech bubble (the prompt) in the API documentation's blue, drawn as pixels. */
function pixel(x: number, y: number): [number, number, number, number] {
  const inBubble = x >= 3 && x <= 28 && y >= 4 && y <= 22;
  const inTail = y > 22 && y <= 28 && x >= 8 && x <= 8 + (28 - y);
  const inLine = (y === 10 || y === 16) && x >= 8 && x <= 23;
  if (inLine) return [255, 255, 255, 255];
  return inBubble || inTail ? [47, 93, 191, 255] : [0, 0, 0, 0];
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, no interlace
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 4); // each row starts with filter type 0
    for (let x = 0; x < SIZE; x++) rows.set(pixel(x, y), row + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** An .ico holding one PNG image, which every browser reads. */
function ico(image: Buffer): Buffer {
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.set([SIZE, SIZE, 0, 0], 6); // width, height, no palette
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, image]);
}

/**
 * `/favicon.ico`, which browsers ask for on every page of the server (the docs pages link it too). Drawn here, a few
 * hundred bytes, rather than shipped as a file that the build would have to copy.
 */
export const favicon: FastifyPluginAsync = async (app) => {
  const icon = ico(png());
  app.get("/favicon.ico", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("image/x-icon").header("cache-control", "public, max-age=86400").send(icon),
  );
};
