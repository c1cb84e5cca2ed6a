/** Profiles, secrets and TLS bundles: where Gateway Tray keeps what identifies and authenticates it. */
export { writeFileAtomic, createFileAtomic, FileWriteError, ensureDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE } from './atomic-write.ts';
export { moveAside, type CredentialNotice } from './corrupt-file.ts';
export {
  SETTINGS_VERSION,
  PROFILE_NAME_PATTERN,
  DEFAULT_PROFILE_NAME,
  DEFAULT_IMAGE,
  DEFAULT_PORTS,
  DEFAULT_OPTIONS,
  settingsSchema,
  settingsJsonSchema,
  storedProfileSchema,
  type Profile,
  type ProfileOptions,
  type ProfilePorts,
  type Settings,
  type StoredProfile,
} from './profile-schema.ts';
export { SettingsVersionError, SettingsFormatError, migrateSettings, migrations } from './profile-migrations.ts';
export { ProfileStore, ProfileError, type ProfileStoreOptions, type RemoveResult } from './profile-store.ts';
export { addProfileInputSchema, updateProfileInputSchema, type AddProfileInput, type UpdateProfileInput } from './profile-input.ts';
export { SecretStoreError, profileTokenKey, type SecretStore, type SecretBackendInfo } from './secret-store.ts';
export { SafeStorageSecretStore, type SafeStorageLike } from './safe-storage-secret-store.ts';
export { FileSecretStore } from './file-secret-store.ts';
export { KeyringSecretStore, type KeyringProbe } from './keyring-secret-store.ts';
export { openHomeSecretStore, type HomeSecretStore, type OpenHomeSecretStoreOptions } from './home-secret-store.ts';
export {
  inspectCertificate,
  isIssuedBy,
  keyMatchesCertificate,
  needsRenewal,
  renewalDueAt,
  CertificateError,
  type CertificateInfo,
} from './x509-inspect.ts';
export {
  TlsBundle,
  TlsBundleError,
  tlsBundleDir,
  writeTlsBundle,
  readTlsBundle,
  checkTlsBundle,
  type TlsBundlePems,
  type TlsBundleLocation,
  type TlsBundleStatus,
  type ReadTlsBundleResult,
} from './tls-bundle.ts';
export { instanceId, instanceIdPath, DEFAULT_INSTANCE_NAME, type InstanceIdResult, type InstanceIdOptions } from './instance-id.ts';
