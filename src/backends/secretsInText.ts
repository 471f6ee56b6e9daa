import { maskIscSecrets } from "./isc/secretsInText";
import { maskKeaSecrets } from "./kea/redact";
import { maskPowerShellSecrets } from "./windows/secretsInText";

/** Every vendor's masking of the secrets its own syntax shows in a text, for the run's one redactor. */
export const VENDOR_SECRET_MASKS: ReadonlyArray<(text: string) => string> = [maskIscSecrets, maskKeaSecrets, maskPowerShellSecrets];
