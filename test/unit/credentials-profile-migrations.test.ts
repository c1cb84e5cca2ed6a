import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  SettingsFormatError,
  SettingsVersionError,
  migrateSettings,
  migrations,
  portsFromV1,
  settingsV1Schema,
  settingsV2Schema,
  v1ToV2,
  v2ToV3,
} from '../../src/core/credentials/profile-migrations.ts';
import { SETTINGS_VERSION, settingsSchema } from '../../src/core/credentials/profile-schema.ts';

const v1File = {
  version: 1,
  defaultProfile: 'work',
  profiles: {
    local: { kind: 'local', image: 'apache/apisix:3.9.0-debian', port: 9080 },
    work: { kind: 'cloud', apiUrl: 'https://api.cloud.example', clusterId: '392306215415186327', image: 'apache/apisix:3.9.0-debian', port: 8080 },
  },
};

describe('settings migrations', () => {
  test('the ladder has one step per version, ending at the current one', () => {
    assert.deepEqual(
      migrations.map((m) => [m.from, m.to]),
      Array.from({ length: SETTINGS_VERSION - 1 }, (_, i) => [i + 1, i + 2]),
    );
  });

  describe('v1 -> v2', () => {
    test('the v1 fixture is a valid v1 file and not a valid v2 file', () => {
      assert.equal(settingsV1Schema.safeParse(v1File).success, true);
      assert.equal(settingsSchema.safeParse(v1File).success, false);
    });

    test('moves the single port to ports.proxyHttp, fills the rest and the options', () => {
      const v2 = v1ToV2(settingsV1Schema.parse(v1File));
      assert.deepEqual(v2, {
        version: 2,
        defaultProfile: 'work',
        profiles: {
          local: {
            kind: 'local',
            image: 'apache/apisix:3.9.0-debian',
            ports: { proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 },
            options: { autoRenewCert: true },
          },
          work: {
            kind: 'cloud',
            apiUrl: 'https://api.cloud.example',
            clusterId: '392306215415186327',
            image: 'apache/apisix:3.9.0-debian',
            ports: { proxyHttp: 8080, proxyHttps: 9443, control: 9090, prometheus: 9091 },
            options: { autoRenewCert: true },
          },
        },
      });
      assert.equal(settingsV2Schema.safeParse(v2).success, true);
    });

    test('a v1 port equal to a new default pushes that default to the next free port', () => {
      assert.deepEqual(portsFromV1(9090), { proxyHttp: 9090, proxyHttps: 9443, control: 9091, prometheus: 9092 });
      assert.deepEqual(portsFromV1(9443), { proxyHttp: 9443, proxyHttps: 9444, control: 9090, prometheus: 9091 });
    });

    test('migrateSettings reports where it started, and climbs to the current version', () => {
      const result = migrateSettings(v1File);
      assert.equal(result.fromVersion, 1);
      assert.equal(result.settings.version, 3);
      assert.equal(result.settings.profiles.work?.module, 'auto');
    });
  });

  describe('v2 -> v3', () => {
    const v2File = v1ToV2(settingsV1Schema.parse(v1File));

    test('the v2 fixture is a valid v2 file and not a valid v3 file', () => {
      assert.equal(settingsV2Schema.safeParse(v2File).success, true);
      assert.equal(settingsSchema.safeParse(v2File).success, false);
    });

    test('gives every profile module "auto" and changes nothing else', () => {
      const v3 = v2ToV3(settingsV2Schema.parse(structuredClone(v2File)));
      assert.deepEqual(v3, {
        version: 3,
        defaultProfile: 'work',
        profiles: {
          local: { ...v2File.profiles.local!, module: 'auto' },
          work: { ...v2File.profiles.work!, module: 'auto' },
        },
      });
      assert.equal(settingsSchema.safeParse(v3).success, true);
    });

    test('a v2 file that already has a module field is not a v2 file', () => {
      const odd = structuredClone(v2File) as { profiles: Record<string, Record<string, unknown>> };
      odd.profiles.local!.module = 'api7';
      assert.throws(() => migrateSettings(odd), /settings version 2: profiles\.local/);
    });

    test('migrateSettings from v2 reports version 2', () => {
      const result = migrateSettings(structuredClone(v2File));
      assert.equal(result.fromVersion, 2);
      assert.equal(result.settings.profiles.local?.module, 'auto');
    });
  });

  test('a current file passes through unchanged, and its module may be a keyword or a tarball URL', () => {
    const current = v2ToV3(v1ToV2(settingsV1Schema.parse(v1File)));
    current.profiles.work = { ...current.profiles.work!, module: 'https://modules.example/cloud_module_beta.tar.gz' };
    assert.deepEqual(migrateSettings(structuredClone(current)), { settings: current, fromVersion: 3 });
    for (const bad of ['cloud', 'ftp://x/y.tgz', 'https://user:pw@x/y.tgz', '']) {
      const broken = structuredClone(current);
      broken.profiles.work = { ...broken.profiles.work!, module: bad };
      assert.throws(() => migrateSettings(broken), /settings version 3: profiles\.work\.module: the module is one of auto, open-agent, api7/, bad);
    }
  });

  test('a future version is refused with a clear error, not reshaped', () => {
    assert.throws(() => migrateSettings({ version: 4, profiles: {} }, '/x/settings.json'), (error: Error) => {
      assert.ok(error instanceof SettingsVersionError);
      assert.match(error.message, /\/x\/settings\.json was written by a newer Gateway Tray \(settings version 4; this one understands up to 3\)/);
      assert.match(error.message, /Upgrade Gateway Tray/);
      return true;
    });
  });

  test('files that are no known version are format errors', () => {
    for (const raw of [null, [], 'text', {}, { version: '2' }, { version: 0 }, { version: 1.5 }]) {
      assert.throws(() => migrateSettings(raw), SettingsFormatError, JSON.stringify(raw));
    }
  });

  test('a v1 file that breaks v1 rules is a format error naming the field', () => {
    const broken = structuredClone(v1File) as { profiles: { local: { port: unknown } } };
    broken.profiles.local.port = 70000;
    assert.throws(() => migrateSettings(broken), /settings version 1: profiles\.local\.port/);
  });
});
