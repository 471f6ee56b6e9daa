import { afterEach, describe, expect, it } from "vitest";
import { LOCK_WAIT_ENV, lockWaitSeconds } from "../../../src/backends/isc/host";

describe("how long a run waits for another run's dhcpd.conf lock", () => {
  afterEach(() => {
    delete process.env[LOCK_WAIT_ENV];
  });

  it("is 300 s unless the environment says otherwise", () => {
    expect(lockWaitSeconds()).toBe(300);
    process.env[LOCK_WAIT_ENV] = "1800";
    expect(lockWaitSeconds()).toBe(1800);
  });

  it("refuses a value that is not a whole number of seconds, naming the variable and the fix", () => {
    for (const bad of ["ten", "0", "2.5", "-1"]) {
      process.env[LOCK_WAIT_ENV] = bad;
      expect(() => lockWaitSeconds()).toThrow(`${LOCK_WAIT_ENV}="${bad}": give a whole number of seconds of at least 1, or unset it for 300`);
    }
  });
});
