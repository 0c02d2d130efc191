/**
 * The container files, checked without a Docker engine: docker-compose.yml against the compose
 * specification (dclint, no errors and no warnings), the settings the compose demo depends on, and
 * the Dockerfile's stages against the repository (every COPY source exists and is not ignored, the
 * runtime stage takes only production dependencies and the build stage's output).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const compose = readFileSync('docker-compose.yml', 'utf8');

interface LintMessage {
  rule: string;
  type: string;
  message: string;
  line: number;
}

describe('docker-compose.yml', () => {
  it('passes the compose-spec linter with no errors and no warnings', async () => {
    const result = await run('node_modules/.bin/dclint', ['--formatter', 'json', 'docker-compose.yml']).catch((error: { stdout: string }) => error);
    const report = JSON.parse(result.stdout) as Array<{ messages: LintMessage[] }>;
    const messages = report.flatMap((file) => file.messages).map((m) => `${m.line}: ${m.type} ${m.rule}: ${m.message}`);
    expect(messages).toEqual([]);
  });

  it('stops with a message when the engine secret is missing instead of restart-looping', () => {
    // ${VAR:?message}: compose refuses to start and prints the message when VAR is unset or empty.
    expect(compose).toMatch(/BOREALIS_ENGINE_SECRET: \$\{BOREALIS_ENGINE_SECRET:\?set BOREALIS_ENGINE_SECRET [^}]+\}/);
  });

  it('switches GraphiQL and introspection together (GraphiQL cannot load a schema without introspection)', () => {
    const graphiql = /GATEWAY_GRAPHIQL: (\S+)/.exec(compose)?.[1];
    const introspection = /GATEWAY_INTROSPECTION: (\S+)/.exec(compose)?.[1];
    expect(graphiql).toBe('${GATEWAY_GRAPHIQL:-true}');
    expect(introspection).toBe(graphiql);
  });

  it('runs the compiled CLIs that exist in the image and documents how to mint a token', () => {
    const scripts = [...compose.matchAll(/node (dist\/\S+\.js)/g)].map((m) => m[1] as string);
    expect(scripts).toEqual(expect.arrayContaining(['dist/src/cli/db-setup.js', 'dist/src/cli/db-seed.js', 'dist/src/cli/token.js']));
    for (const script of scripts) expect(existsSync(script.replace(/^dist\//, '').replace(/\.js$/, '.ts')), script).toBe(true);
    expect(compose).toContain('docker compose exec gateway node dist/src/cli/token.js --user admin');
  });
});

interface Stage {
  name: string;
  lines: string[];
}

function dockerfileStages(): Stage[] {
  const stages: Stage[] = [];
  for (const raw of readFileSync('Dockerfile', 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+\s+AS\s+(\S+)$/i.exec(line);
    if (from) stages.push({ name: from[1] as string, lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

/** COPY arguments without flags: sources then destination. */
function copyArgs(line: string): { from: string | undefined; sources: string[] } {
  const words = line.split(/\s+/).slice(1);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from, sources: paths.slice(0, -1) };
}

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.at(-1);
  const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('has a build stage and a separate runtime stage', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    for (const stage of stages) {
      for (const line of stage.lines.filter((l) => l.startsWith('COPY'))) {
        const { from, sources } = copyArgs(line);
        if (from) continue;
        for (const source of sources) {
          expect(existsSync(source), `${stage.name}: ${line}`).toBe(true);
          expect(ignored, `${source} is excluded by .dockerignore`).not.toContain(source);
        }
      }
    }
  });

  it('builds from every folder the build compiles or runs', () => {
    const copied = build!.lines.filter((l) => l.startsWith('COPY')).flatMap((l) => copyArgs(l).sources);
    const { include } = JSON.parse(readFileSync('tsconfig.build.json', 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { include: string[] };
    const buildScript = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.build!;
    const generateScript = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.generate!;
    const scriptFolders = [...`${buildScript} ${generateScript}`.matchAll(/node (\w+)\//g)].map((m) => m[1] as string);
    expect(scriptFolders).toEqual(expect.arrayContaining(['scripts', 'mirror']));
    for (const folder of [...include, ...scriptFolders, 'prisma', 'tsconfig.build.json']) expect(copied, folder).toContain(folder);
    expect(build!.lines).toContain('RUN npm run build');
  });

  it('runs compiled JavaScript with production dependencies only', () => {
    const lines = runtime!.lines;
    expect(lines.some((l) => /^RUN npm ci .*--omit=dev --omit=optional/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('COPY --from='))).toEqual(['COPY --from=build /app/dist ./dist']);
    expect(lines).toContain('CMD ["node", "dist/src/main.js"]');
    expect(lines.join('\n')).not.toMatch(/tsx|prisma generate|embedded/);
    expect(lines).toContain('ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000');
  });
});
