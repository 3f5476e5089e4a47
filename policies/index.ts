/**
 * The geoshard policy pack, for `pulumi preview --policy-pack policies`. The rules live in
 * `rules.ts` and its modules, which tests and the offline plan use without starting a pack.
 */

import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("geoshard", { policies });
