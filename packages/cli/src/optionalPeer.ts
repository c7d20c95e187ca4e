/**
 * Imports one of the CLI's optional peer packages (@aitrace/server, @aitrace/viewer), which only `serve` and `html`
 * need, so that `aitrace tree` installs without native SQLite. When it is missing, says on stderr what to install
 * and gives undefined; the command then exits with code 1.
 */
export async function importOptionalPeer<T>(command: string, packageName: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${packageName}`);
    process.stderr.write(
      missing
        ? `aitrace: ${command} needs ${packageName}, an optional peer dependency of @aitrace/cli that is not installed.\n` +
            `Install it next to the CLI: npm install --save-dev ${packageName}\n` +
            `(from tarballs: the "serve and html" install command that npm run tarballs prints).\n`
        : `aitrace: ${command} could not load ${packageName}: ${message.split('\n')[0]}\n`,
    );
    return undefined;
  }
}
