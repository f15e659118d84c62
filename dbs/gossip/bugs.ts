// The documented bugs of the built-in gossip node, by name: the node program switches them on,
// the db plugin validates `--bug` and lists them in help.

export const GOSSIP_BUGS: Readonly<Record<string, string>> = {
  'lose-updates':
    'about one update in eight is acknowledged, visible on its node for a moment, then forgotten for good (never gossiped, never persisted)',
};
