/**
 * The components' checks of their own arguments, with the pure validators config uses: a program
 * that declares a RegionalShard or a Warehouse directly gets the messages a stack file would, keyed
 * by argument instead of config path. Nothing here declares anything.
 *
 * The one fact a component cannot check as it is declared is the region of an explicit AWS
 * provider: Pulumi resolves a provider's `region` only once the provider is registered. That check
 * runs then (`checkProviderRegion`) and fails the deployment, preview included, with the same
 * kind of message. The default provider's region is known at once, from `aws:region`.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    checkEngineOnlySettings,
    checkGlobalReaders,
    checkEnvironment,
    checkShardName,
    identifierRoomProblem,
    Problems,
    readAllowedCidrs,
    securityGroupIdProblem,
    securityGroupLabelPattern,
    readCdc,
    readDataSize,
    readNaming,
    readParameters,
    readRecovery,
    readRegion,
    readResidency,
    readSettings,
    readVpcCidr,
    resolveNaming,
} from "../config/validate";
import { logRetentionPeriods, shardDefaults } from "./defaults";
import { readerAutoscalingProblems, versionProblem } from "./engines";
import { maxShardAzs } from "./placement";
import { defaultNamePrefix } from "./naming";
import { residenciesOf, Residency } from "./places/residency";
import { restoreProblems } from "./restore";
import type { RegionalShardArgs } from "./regionalShard";
import type { WarehouseArgs } from "./warehouse";

/** What the component knows, as it is declared, of where its children go. */
export interface ArgsContext {
    /**
     * The component's name (the shard's key): checked as config checks a shard's `name`, since
     * it is part of every identifier. Left out, it is not checked.
     */
    readonly name?: string;
    /** The region of the AWS provider its children use, when already known. */
    readonly providerRegion?: string;
}

/** Every problem of a RegionalShard's arguments, or none. Pure. */
export function validateShardArgs(args: RegionalShardArgs, context: ArgsContext = {}): string[] {
    const problems = new Problems();
    const asRecord = args as unknown as Record<string, unknown>;
    const environment = checkEnvironment(args.environment, "environment", problems);
    const naming = readNaming(asRecord, (key) => key, problems);
    // The DMS replication's identifier is derived shorter where it would pass 31 characters
    // (components/cdc.ts); the RDS identifiers hold the prefix, the environment and the name.
    if (context.name !== undefined && checkShardName(context.name, "name", problems)) {
        const problem =
            environment === undefined
                ? undefined
                : identifierRoomProblem(
                      naming.namePrefix ?? defaultNamePrefix,
                      environment,
                      context.name,
                  );
        if (problem) {
            problems.add("name", context.name, problem);
        }
    }
    const region = readRegion(args.region, "region", problems);
    if (region !== undefined) {
        resolveNaming(naming, region, (key) => key, problems);
    }
    checkRegionOfProvider(region, context.providerRegion, problems);
    readVpcCidr(args.vpcCidr, "vpcCidr", problems);
    readAllowedCidrs(args.allowedCidrs, "allowedCidrs", problems);
    checkAllowedSecurityGroups(args.allowedSecurityGroups, problems);

    const { settings, invalid } = readSettings(
        asRecord,
        { settings: shardDefaults, invalid: new Set() },
        (key) => key,
        problems,
        "shard",
    );
    // Against an engine readSettings refused, every engine check would be a second, false problem.
    const engineKnown = !invalid.has("engine");
    if (engineKnown && args.engineVersion !== undefined) {
        const problem = versionProblem(settings.engine, args.engineVersion);
        if (problem) {
            problems.add(
                "engineVersion",
                args.engineVersion,
                `${problem} (engine ${settings.engine})`,
            );
        }
    }
    if (engineKnown) {
        checkEngineOnlySettings(asRecord, settings, invalid, (key) => key, problems);
    }

    if (args.existingVpc) {
        if (args.availabilityZones !== undefined) {
            problems.add(
                "availabilityZones",
                args.availabilityZones,
                "is set with existingVpc, whose subnets' AZs are used: remove it",
            );
        }
        checkAzs(
            args.existingVpc.subnets.map((subnet) => subnet.availabilityZone),
            region,
            "existingVpc.subnets[*].availabilityZone",
            (i) => `existingVpc.subnets[${i}].availabilityZone`,
            problems,
        );
    } else if (args.availabilityZones === undefined) {
        problems.missing(
            "availabilityZones",
            "two or more AZs of the region, chosen by zone ID (or existingVpc)",
        );
    } else {
        checkAzs(args.availabilityZones, region, "availabilityZones", azPath, problems);
    }

    const residency = readResidency(args.residency, "residency", problems);
    if (args.recovery) {
        const {
            region: recoveryRegion,
            vpcCidr,
            instances,
            promoted,
            instanceClass,
        } = args.recovery;
        const recovery = readRecovery(
            omitUndefined({ region: recoveryRegion, vpcCidr, instances, promoted, instanceClass }),
            "recovery",
            settings.engine,
            region,
            residency,
            problems,
        );
        if (
            engineKnown &&
            settings.engine === "aurora-postgresql" &&
            !invalid.has("replicaCount")
        ) {
            checkGlobalReaders(settings.replicaCount, "replicaCount", "recovery", problems);
        }
        checkAzs(
            args.recovery.availabilityZones,
            // A region readRecovery refused is reported once, not again for each AZ.
            recovery?.config.region || undefined,
            "recovery.availabilityZones",
            (i) => `recovery.availabilityZones[${i}]`,
            problems,
        );
    }
    if (args.cdc !== undefined) {
        readCdc(args.cdc, "cdc", problems);
    }
    readDataSize(
        args.storageGiB,
        "storageGiB",
        engineKnown ? settings.engine : undefined,
        problems,
    );
    checkCityCountries(args.cityCountries, residency, problems);
    if (engineKnown && args.readerAutoscaling !== undefined) {
        for (const p of readerAutoscalingProblems(
            args.readerAutoscaling,
            settings.engine,
            settings.replicaCount,
        )) {
            problems.add(`readerAutoscaling${p.path}`, p.value, p.problem);
        }
    }
    if (args.restore !== undefined) {
        for (const p of restoreProblems(args.restore)) {
            problems.add(`restore${p.path}`, p.value, p.problem);
        }
    }
    readParameters(
        args.parameters,
        "parameters",
        engineKnown ? settings.engine : undefined,
        problems,
    );
    return problems.list;
}

/** Every problem of a Warehouse's arguments, or none. Pure. */
export function validateWarehouseArgs(args: WarehouseArgs, context: ArgsContext = {}): string[] {
    const problems = new Problems();
    checkEnvironment(args.environment, "environment", problems);
    const region = readRegion(args.region, "region", problems);
    checkRegionOfProvider(region, context.providerRegion, problems);
    readVpcCidr(args.vpcCidr, "vpcCidr", problems);
    checkAzs(args.availabilityZones, region, "availabilityZones", azPath, problems);
    if (args.availabilityZones.length > maxShardAzs) {
        problems.add(
            "availabilityZones",
            args.availabilityZones,
            `names more than ${maxShardAzs} AZs; allowed: two or three, one private subnet each`,
        );
    }
    if (
        args.logRetentionDays !== undefined &&
        !logRetentionPeriods.includes(args.logRetentionDays)
    ) {
        problems.add(
            "logRetentionDays",
            args.logRetentionDays,
            `is not a CloudWatch Logs retention period; allowed: ${logRetentionPeriods.join(", ")}`,
        );
    }
    return problems.list;
}

/** The message of the ResourceError a component throws for its arguments' problems. */
export function argumentsMessage(component: string, problems: readonly string[]): string {
    return (
        `invalid ${component} arguments (${problems.length} ` +
        `problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n")
    );
}

/**
 * The region of the AWS provider a component's children use, if it is known as the component is
 * declared: with no explicit provider in scope, the default provider's (`aws:region`, else the
 * environment's). An explicit provider's region is an output: `checkProviderRegion` checks it.
 */
export function declaredProviderRegion(component: pulumi.Resource): string | undefined {
    if (component.getProvider("aws::Provider") !== undefined) {
        return undefined;
    }
    return (
        new pulumi.Config("aws").get("region") ??
        process.env.AWS_REGION ??
        process.env.AWS_DEFAULT_REGION
    );
}

/**
 * Once an explicit AWS provider has registered, fails the deployment with a ResourceError on the
 * component when the provider's region is not the one the component was told (`path` names the
 * argument). A provider without a region (one taken from the AWS profile) is not checked.
 */
export function checkProviderRegion(
    component: pulumi.Resource,
    componentType: string,
    provider: pulumi.ProviderResource | undefined,
    path: string,
    region: string,
    providerName: string,
): void {
    if (!aws.Provider.isInstance(provider)) {
        return;
    }
    provider.region.apply((actual) => {
        if (actual !== undefined && actual !== region) {
            const problems = new Problems();
            problems.add(path, region, regionMismatch(providerName, actual, region));
            throw new pulumi.ResourceError(
                argumentsMessage(componentType, problems.list),
                component,
                true,
            );
        }
    });
}

/** The deferred provider-region checks of a shard: its own provider, its recovery's, its warehouse's. */
export function checkShardProviderRegions(shard: pulumi.Resource, args: RegionalShardArgs): void {
    const check = (
        provider: pulumi.ProviderResource | undefined,
        path: string,
        region: string,
        name: string,
    ) => checkProviderRegion(shard, "RegionalShard", provider, path, region, name);
    check(shard.getProvider("aws::Provider"), "region", args.region, "the shard's AWS provider");
    if (args.recovery) {
        check(args.recovery.provider, "recovery.region", args.recovery.region, "recovery.provider");
    }
    if (args.warehouse) {
        check(
            args.warehouse.provider,
            "warehouse.region",
            args.warehouse.region,
            "warehouse.provider",
        );
    }
}

function checkRegionOfProvider(
    region: string | undefined,
    providerRegion: string | undefined,
    problems: Problems,
): void {
    if (region !== undefined && providerRegion !== undefined && region !== providerRegion) {
        problems.add(
            "region",
            region,
            regionMismatch("the default AWS provider", providerRegion, region),
        );
    }
}

function regionMismatch(providerName: string, actual: string, region: string): string {
    return (
        `is not the region of ${providerName} (${actual}); allowed: ${actual}, or a provider ` +
        `of ${region}`
    );
}

/** AZs of the region, two or more of them, so the standby never shares the writer's AZ. */
function checkAzs(
    azs: readonly string[],
    region: string | undefined,
    path: string,
    itemPath: (index: number) => string,
    problems: Problems,
): void {
    if (region !== undefined) {
        azs.forEach((az, i) => {
            if (typeof az !== "string" || !az.startsWith(region)) {
                problems.add(itemPath(i), az, `is not an AZ of ${region}`);
            }
        });
    }
    const distinct = new Set(azs).size;
    if (distinct < 2) {
        problems.add(
            path,
            azs,
            `name${azs.length === 1 ? "s" : ""} ${distinct === 0 ? "no AZ" : "one AZ"}; ` +
                `allowed: two or more AZs, so the standby never shares the writer's AZ`,
        );
    }
}

const azPath = (i: number) => `availabilityZones[${i}]`;

/** Labels that name rules, and the IDs among the values known as the shard is declared. */
function checkAllowedSecurityGroups(
    groups: RegionalShardArgs["allowedSecurityGroups"],
    problems: Problems,
): void {
    for (const [label, id] of Object.entries(groups ?? {})) {
        if (!securityGroupLabelPattern.test(label)) {
            problems.add(
                "allowedSecurityGroups",
                label,
                "is not a label; allowed: lowercase letters, digits and hyphens, starting with a " +
                    "letter or digit (it names the rule)",
            );
        }
        if (typeof id === "string") {
            const problem = securityGroupIdProblem(id);
            if (problem) {
                problems.add(`allowedSecurityGroups.${label}`, id, problem);
            }
        }
    }
}

function omitUndefined(value: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Country codes, each in a residency the shard declares if it is in that residency's set. */
function checkCityCountries(
    countries: readonly string[] | undefined,
    residency: Residency | undefined,
    problems: Problems,
): void {
    (countries ?? []).forEach((country, i) => {
        if (typeof country !== "string" || !/^[A-Z]{2}$/.test(country)) {
            problems.add(
                `cityCountries[${i}]`,
                country,
                "is not an ISO 3166-1 alpha-2 country code such as FR",
            );
            return;
        }
        for (const required of residenciesOf(country)) {
            if (required !== residency) {
                problems.add(
                    `cityCountries[${i}]`,
                    country,
                    `needs residency: ${required}; set it, or serve that country's cities from ` +
                        `a shard that has it`,
                );
            }
        }
    });
}
