// Every lint rule, in documentation order. The meta-test checks this list against rules/ and docs/rules/.
import type { Rule } from '../framework/rule.js';
import { concurrentMapAccess } from '../rules/concurrent-map-access.js';
import { condNeverSignalled } from '../rules/cond-never-signalled.js';
import { copiedLock } from '../rules/copied-lock.js';
import { doubleClose } from '../rules/double-close.js';
import { goroutineLeak } from '../rules/goroutine-leak.js';
import { ineffectiveRecover } from '../rules/ineffective-recover.js';
import { loopVarCapture } from '../rules/loop-var-capture.js';
import { lostCancel } from '../rules/lost-cancel.js';
import { mixedAtomicAccess } from '../rules/mixed-atomic-access.js';
import { nilChannel } from '../rules/nil-channel.js';
import { nilMapWrite } from '../rules/nil-map-write.js';
import { onceRecursion } from '../rules/once-recursion.js';
import { recoverCannotCatch } from '../rules/recover-cannot-catch.js';
import { rwmutexUpgrade } from '../rules/rwmutex-upgrade.js';
import { sendAfterClose } from '../rules/send-after-close.js';
import { timeTickLeak } from '../rules/time-tick-leak.js';
import { unlockMisuse } from '../rules/unlock-misuse.js';
import { waitgroupAddInGoroutine } from '../rules/waitgroup-add-in-goroutine.js';
import { waitgroupMisuse } from '../rules/waitgroup-misuse.js';
import { testingGoroutineAfterTest } from '../rules/testing-goroutine-after-test.js';
import { blockingUnderLock } from '../rules/blocking-under-lock.js';
import { dataRace } from '../rules/data-race.js';
import { lockOrder } from '../rules/lock-order.js';

export const rules: Rule[] = [
  nilMapWrite,
  ineffectiveRecover,
  doubleClose,
  copiedLock,
  unlockMisuse,
  waitgroupAddInGoroutine,
  concurrentMapAccess,
  sendAfterClose,
  nilChannel,
  rwmutexUpgrade,
  goroutineLeak,
  onceRecursion,
  lostCancel,
  loopVarCapture,
  recoverCannotCatch,
  waitgroupMisuse,
  mixedAtomicAccess,
  timeTickLeak,
  condNeverSignalled,
  testingGoroutineAfterTest,
  blockingUnderLock,
  dataRace,
  lockOrder,
];

export function ruleByName(name: string): Rule | undefined {
  return rules.find((rule) => rule.meta.name === name);
}
