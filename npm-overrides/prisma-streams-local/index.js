// Stand-in for @prisma/streams-local (see ../README.md): `prisma dev` is the only caller.
export async function startLocalDurableStreamsServer() {
  throw new Error('`prisma dev` needs Node 22 or newer (its local streams server runs on node:sqlite). This project runs on Node 20 and installs a stand-in for @prisma/streams-local: see npm-overrides/README.md.');
}
