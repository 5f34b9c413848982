// Bootstraps an account for a real deployment, where demo users are never seeded:
//   npm run user:create -- --email owner@shop.com --name "Owner" --role manager
// The password comes from --password, the KEYED_NEW_PASSWORD variable, or a hidden prompt.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

import { isCommonPassword } from '../app/platform/common-passwords.server';
import { closeDb, getSqlite } from '../app/platform/db.server';
import { getEnv } from '../app/platform/env.server';
import { fixedT } from '../app/platform/i18n';
import { createUserSchema, USER_REFUSAL_KEYS } from '../app/users/user-form';
import { createUser } from '../app/users/users.server';
import { migrateDatabase } from '../db/migrate';

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new Error('No terminal to ask for a password: pass --password or set KEYED_NEW_PASSWORD.');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const rlWithOutput = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  rlWithOutput._writeToOutput = (s: string) => {
    if (s.includes('Password')) rlWithOutput.output.write(s);
  };
  const answer = await rl.question('Password (12–128 characters, not a common one): ');
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'manager' },
      password: { type: 'string' },
    },
  });
  const password = values.password ?? process.env.KEYED_NEW_PASSWORD ?? (await promptPassword());
  const t = fixedT('en');
  const parsed = createUserSchema(t, { isCommon: isCommonPassword }).safeParse({
    email: values.email,
    name: values.name ?? values.email?.split('@')[0],
    role: values.role,
    password,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
    process.exit(1);
  }
  console.log(`Database: ${getEnv().DATABASE_PATH}`);
  migrateDatabase(getSqlite());
  const result = await createUser(parsed.data, null);
  closeDb();
  if (!result.ok) {
    console.error(t(USER_REFUSAL_KEYS[result.reason]));
    process.exit(1);
  }
  console.log(`Created ${parsed.data.role} ${parsed.data.email} (user ${result.id}).`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
