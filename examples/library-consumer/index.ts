/**
 * Another team's program, using geoshard as a library: one RegionalShard for its orders database
 * and a Warehouse its changes stream into, in one region, with a private zone of its own. It
 * imports the components from the library entry and reads its own config; nothing of geoshard's
 * config, stacks or root program runs.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { chooseAzs, RegionalShard, Warehouse } from "../../lib";

export = async () => {
    const config = new pulumi.Config();
    const environment = config.require("environment");
    const region = config.require("region");
    const instanceClass = config.require("instanceClass");

    // One provider for the region, passed to every component: its region must be theirs.
    const provider = new aws.Provider(`aws-${region}`, {
        region: region as aws.Region,
        defaultTags: { tags: { team: "orders", environment } },
    });
    const zones = await aws.getAvailabilityZones(
        { state: "available", filters: [{ name: "zone-type", values: ["availability-zone"] }] },
        { provider },
    );
    // Standard AZs by zone ID, never the constrained ones: what the component expects.
    const availabilityZones = chooseAzs(
        zones.names.map((name, i) => ({ name, zoneId: zones.zoneIds[i] })),
    );

    const warehouse = new Warehouse(
        "analytics",
        { environment, region, vpcCidr: "10.90.0.0/16", availabilityZones },
        { providers: [provider] },
    );
    const zone = new aws.route53.Zone(
        "orders-zone",
        {
            name: "orders.internal",
            vpcs: [{ vpcId: warehouse.vpcId, vpcRegion: region }],
            tags: { environment, shard: "global", role: "dns" },
        },
        // The shard associates its own VPC; the zone must not undo that.
        { provider, ignoreChanges: ["vpcs"] },
    );
    const orders = new RegionalShard(
        "orders",
        {
            environment,
            region,
            vpcCidr: "10.80.0.0/16",
            availabilityZones,
            masterInstanceClass: instanceClass,
            replicaInstanceClass: instanceClass,
            replicaCount: config.requireNumber("replicaCount"),
            dns: { zoneId: zone.zoneId, zoneName: "orders.internal", provider },
            warehouse: warehouse.link(),
        },
        { providers: [provider] },
    );

    return {
        writer: orders.writerName,
        reader: orders.readerName,
        credentialsSecretArn: orders.credentialsSecretArn,
        summary: orders.summary,
        lake: warehouse.bucketName,
    };
};
