/**
 * An EU-resident shard's recovery copy stays in the EU, wherever the shard's home is. Config, the
 * component's own check and the policy pack each hold the rule; each is tested with homes inside
 * the EU (Frankfurt, Ireland, Stockholm) and outside it (London, the US), and recovery regions on
 * both sides.
 */

import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { euRegions } from "../components/cdc";
import { ConfigError, validateConfig } from "../config/validate";
import { RegionalShard, RegionalShardArgs, validateShardArgs } from "../lib";
import { policies } from "../policies/rules";
import {
    ProgramError,
    ProgramRun,
    RecordedResource,
    runProgramFunction,
} from "../tools/mockRuntime";
import { evaluatePolicies } from "../tools/policyEval";
import { awsProvider, declared, named, rawConfig, types, unqualified } from "./helpers";

const allowed = "eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3";
const outsideEu = (region: string) =>
    `"${region}" is outside the EU, and the shard holds EU personal data; allowed: ${allowed}`;

/** Homes and recovery regions: London and Zurich hold adequacy decisions but are not the EU. */
const homes = ["eu-central-1", "eu-west-1", "eu-north-1", "eu-west-2", "us-east-1"];
const inside = ["eu-west-3", "eu-south-1"];
const outside = ["us-east-1", "eu-west-2", "eu-central-2", "us-west-2"];

/** Every pair of home and recovery region that differ, with whether the rule admits it. */
const cases = homes.flatMap((home) =>
    [...inside, ...outside]
        .filter((recovery) => recovery !== home)
        .map((recovery) => ({ home, recovery, admitted: euRegions.includes(recovery) })),
);

/** The config problems of one EU shard (its CDC without personal columns) homed and recovered so. */
function configProblems(home: string, recovery: string): readonly string[] {
    const shard = {
        name: "europe",
        region: home,
        vpcCidr: "10.30.0.0/16",
        cities: ["berlin"],
        residency: "eu",
        cdc: { excludeColumns: ["public.users.email"] },
        dr: { region: recovery, vpcCidr: "10.31.0.0/16" },
    };
    try {
        validateConfig(unqualified(rawConfig({}, [shard])));
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
}

/** The component's arguments for the same shard. */
const shardArgs = (
    home: string,
    recovery: string,
    provider?: aws.Provider,
    recoveryProvider?: aws.Provider,
): RegionalShardArgs => ({
    environment: "prod",
    region: home,
    vpcCidr: "10.30.0.0/16",
    availabilityZones: [`${home}a`, `${home}b`, `${home}c`],
    residency: "eu",
    recovery: {
        region: recovery,
        provider: recoveryProvider!,
        vpcCidr: "10.31.0.0/16",
        availabilityZones: [`${recovery}a`, `${recovery}b`, `${recovery}c`],
    },
    dns: { zoneId: "Z0123456789", zoneName: "db.internal", provider: provider! },
});

describe("EU residency of the recovery copy, for homes inside and outside the EU", () => {
    it("lists the EU regions, without London or Zurich", () => {
        assert.deepStrictEqual(euRegions.join(", "), allowed);
        assert.ok(!euRegions.includes("eu-west-2") && !euRegions.includes("eu-central-2"));
    });

    it("config admits an EU shard's recovery inside the EU and refuses it outside, whatever its home", () => {
        for (const { home, recovery, admitted } of cases) {
            assert.deepStrictEqual(
                configProblems(home, recovery),
                admitted ? [] : [`geoshard:shards[0].dr.region: ${outsideEu(recovery)}`],
                `home ${home}, recovery ${recovery}`,
            );
        }
        // Without residency a shard may recover anywhere but home.
        assert.deepStrictEqual(
            (() => {
                try {
                    validateConfig(
                        unqualified(
                            rawConfig({}, [
                                {
                                    name: "europe",
                                    region: "eu-central-1",
                                    vpcCidr: "10.30.0.0/16",
                                    // A city outside the EU: an EU city would need residency.
                                    cities: ["new_york"],
                                    dr: { region: "us-east-1", vpcCidr: "10.31.0.0/16" },
                                },
                            ]),
                        ),
                    );
                    return [];
                } catch (error) {
                    return (error as ConfigError).problems;
                }
            })(),
            [],
        );
    });

    it("the component admits and refuses the same pairs, with the message at its argument", () => {
        for (const { home, recovery, admitted } of cases) {
            assert.deepStrictEqual(
                validateShardArgs(shardArgs(home, recovery)),
                admitted ? [] : [`recovery.region: ${outsideEu(recovery)}`],
                `home ${home}, recovery ${recovery}`,
            );
        }
    });

    it("the component, declared by a program of its own, refuses Frankfurt recovering into us-east-1 before declaring a child", async () => {
        try {
            await runProgramFunction(() => {
                const home = new aws.Provider("aws-eu-central-1", { region: "eu-central-1" });
                const away = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
                new RegionalShard("europe", shardArgs("eu-central-1", "us-east-1", home, away), {
                    providers: [home],
                });
            }, {});
            assert.fail("the shard was declared");
        } catch (error) {
            assert.ok(error instanceof ProgramError, String(error));
            assert.ok(pulumi.ResourceError.isInstance(error.cause), String(error.cause));
            assert.strictEqual(
                error.cause.message,
                `invalid RegionalShard arguments (1 problem):\n  - recovery.region: ${outsideEu("us-east-1")}`,
            );
            assert.deepStrictEqual(
                error.resources.filter((r) => r.parent.includes("RegionalShard")),
                [],
            );
        }
    });

    it("the pack admits a recovery copy in the EU and refuses one outside, whatever the home", () => {
        for (const { home, recovery, admitted } of cases) {
            for (const type of [types.cluster, types.instance]) {
                const copy = [
                    awsProvider(recovery),
                    declared(
                        type,
                        { tags: { environment: "prod", role: "recovery", residency: "eu" } },
                        { name: "europe-recovery", region: recovery },
                    ),
                ];
                assert.deepStrictEqual(
                    evaluatePolicies(
                        copy,
                        policies.filter((p) => p.name === "eu-recovery-residency"),
                    ).violations.map((v) => v.message),
                    admitted
                        ? []
                        : [
                              `The recovery copy of an EU-resident shard is in ${recovery}, outside the EU; recover into one of ${allowed}.`,
                          ],
                    `home ${home}, recovery ${recovery}, ${type}`,
                );
            }
        }
    });
});

describe("EU shards homed in Frankfurt and Stockholm, synthesized", () => {
    let run: ProgramRun;
    const residencyViolations = (resources: readonly RecordedResource[]) =>
        evaluatePolicies(resources, policies)
            .violations.filter((v) => v.policy === "eu-recovery-residency")
            .map((v) => v.message);

    before(async () => {
        run = await runProgramFunction(() => {
            const providers = new Map(
                ["eu-central-1", "eu-north-1", "eu-west-1"].map((region) => [
                    region,
                    new aws.Provider(`aws-${region}`, { region: region as aws.Region }),
                ]),
            );
            const shard = (name: string, home: string, recovery: string, cidr: number) =>
                new RegionalShard(
                    name,
                    {
                        ...shardArgs(home, recovery, providers.get(home), providers.get(recovery)),
                        vpcCidr: `10.${cidr}.0.0/16`,
                        recovery: {
                            ...shardArgs(home, recovery, undefined, providers.get(recovery))
                                .recovery!,
                            vpcCidr: `10.${cidr + 1}.0.0/16`,
                        },
                    },
                    { providers: [providers.get(home)!] },
                );
            shard("frankfurt", "eu-central-1", "eu-north-1", 30);
            shard("stockholm", "eu-north-1", "eu-west-1", 40);
        }, {});
    });

    it("tags each recovery copy EU-resident and puts it in its EU region; the pack passes", () => {
        assert.deepStrictEqual(
            ["frankfurt-recovery-cluster", "stockholm-recovery-cluster"].map((name) => {
                const copy = named(run, name, types.cluster);
                return [copy.region, copy.inputs.tags.residency, copy.inputs.tags.role];
            }),
            [
                ["eu-north-1", "eu", "recovery"],
                ["eu-west-1", "eu", "recovery"],
            ],
        );
        assert.deepStrictEqual(residencyViolations(run.resources), []);
    });

    it("has the pack refuse the same copy moved out of the EU", () => {
        const moved = run.resources.map((r) =>
            r.name === "frankfurt-recovery-cluster" ? { ...r, region: "us-east-1" } : r,
        );
        assert.deepStrictEqual(residencyViolations([...moved, awsProvider("us-east-1")]), [
            `The recovery copy of an EU-resident shard is in us-east-1, outside the EU; recover into one of ${allowed}.`,
        ]);
    });
});
