import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isRapportError } from '@rapport/core';
import { parametersWithoutToken, STORAGE, service, serviceClasses } from '@rapport/core/plugin';
import { inject } from 'tsyringe';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

// Every source module of every package, loaded so that all @service() classes are defined.
const modules = import.meta.glob('../../*/src/**/*.ts');

describe('dependency injection without decorator metadata', () => {
  it('every @service() class has an @inject(TOKEN) on each constructor parameter', async () => {
    for (const load of Object.values(modules)) await load();
    const classes = serviceClasses();
    expect(classes.length).toBeGreaterThanOrEqual(5);
    for (const serviceClass of classes) expect(parametersWithoutToken(serviceClass), serviceClass.name).toEqual([]);
  });

  it('@service() refuses a class with a parameter that has no token', () => {
    let caught: unknown;
    try {
      @service()
      class Broken {
        constructor(
          @inject(STORAGE) readonly storage: unknown,
          readonly forgotten: unknown,
        ) {}
      }
      void Broken;
    } catch (error) {
      caught = error;
    }
    expect(isRapportError(caught, 'DI_PARAMETER_WITHOUT_TOKEN')).toBe(true);
    expect((caught as Error).message).toMatch(/^Broken: constructor parameter\(s\) 1 have no @inject/);
  });

  it("no package uses tsyringe's @injectable() directly (it would skip the check) or a global registration", () => {
    const offenders = sourceFiles(root)
      .filter((file) => file.includes(`${join('src')}`) && !file.endsWith(join('di', 'service.ts')))
      .filter((file) => /@injectable\(|@singleton\(|@registry\(|globalContainer\.(register|resolve)/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
