/**
 * Where each AWS region is: the geography AWS names the region after, and the metro area whose
 * coordinates stand for it. AWS publishes no data-centre addresses; the point is the named city,
 * or, where AWS names a state or a country, the metro area reported to host the region's
 * facilities (`metro`). Distances from it are good to tens of km, small beside the thousands that
 * separate a city from the wrong region.
 *
 * Source of the names: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 * (column "Region name"). Coordinates: the metro's centre, as GeoNames gives it.
 */

import { Coordinates } from "./geo";

export interface RegionLocation extends Coordinates {
    /** The geography in AWS's region name: "N. Virginia" in "US East (N. Virginia)". */
    readonly awsName: string;
    /** The metro area the coordinates are of. */
    readonly metro: string;
    /** ISO 3166-1 alpha-2 code of the region's country. */
    readonly country: string;
}

export const regionLocations: Readonly<Record<string, RegionLocation>> = {
    "af-south-1": {
        awsName: "Cape Town",
        metro: "Cape Town",
        country: "ZA",
        lat: -33.93,
        lon: 18.42,
    },
    "ap-east-1": {
        awsName: "Hong Kong",
        metro: "Hong Kong",
        country: "HK",
        lat: 22.32,
        lon: 114.17,
    },
    "ap-east-2": { awsName: "Taipei", metro: "Taipei", country: "TW", lat: 25.05, lon: 121.53 },
    "ap-northeast-1": { awsName: "Tokyo", metro: "Tokyo", country: "JP", lat: 35.69, lon: 139.69 },
    "ap-northeast-2": { awsName: "Seoul", metro: "Seoul", country: "KR", lat: 37.57, lon: 126.98 },
    "ap-northeast-3": { awsName: "Osaka", metro: "Osaka", country: "JP", lat: 34.69, lon: 135.5 },
    "ap-south-1": { awsName: "Mumbai", metro: "Mumbai", country: "IN", lat: 19.07, lon: 72.88 },
    "ap-south-2": {
        awsName: "Hyderabad",
        metro: "Hyderabad",
        country: "IN",
        lat: 17.38,
        lon: 78.46,
    },
    "ap-southeast-1": {
        awsName: "Singapore",
        metro: "Singapore",
        country: "SG",
        lat: 1.29,
        lon: 103.85,
    },
    "ap-southeast-2": {
        awsName: "Sydney",
        metro: "Sydney",
        country: "AU",
        lat: -33.87,
        lon: 151.21,
    },
    "ap-southeast-3": {
        awsName: "Jakarta",
        metro: "Jakarta",
        country: "ID",
        lat: -6.21,
        lon: 106.85,
    },
    "ap-southeast-4": {
        awsName: "Melbourne",
        metro: "Melbourne",
        country: "AU",
        lat: -37.81,
        lon: 144.96,
    },
    "ap-southeast-5": {
        awsName: "Malaysia",
        metro: "Kuala Lumpur",
        country: "MY",
        lat: 3.14,
        lon: 101.69,
    },
    "ap-southeast-7": {
        awsName: "Thailand",
        metro: "Bangkok",
        country: "TH",
        lat: 13.75,
        lon: 100.5,
    },
    "ca-central-1": {
        awsName: "Central",
        metro: "Montreal",
        country: "CA",
        lat: 45.51,
        lon: -73.59,
    },
    "ca-west-1": { awsName: "Calgary", metro: "Calgary", country: "CA", lat: 51.05, lon: -114.09 },
    "eu-central-1": {
        awsName: "Frankfurt",
        metro: "Frankfurt am Main",
        country: "DE",
        lat: 50.12,
        lon: 8.68,
    },
    "eu-central-2": { awsName: "Zurich", metro: "Zurich", country: "CH", lat: 47.37, lon: 8.55 },
    "eu-north-1": {
        awsName: "Stockholm",
        metro: "Stockholm",
        country: "SE",
        lat: 59.33,
        lon: 18.06,
    },
    "eu-south-1": { awsName: "Milan", metro: "Milan", country: "IT", lat: 45.46, lon: 9.19 },
    "eu-south-2": {
        awsName: "Spain",
        metro: "Zaragoza (Aragón)",
        country: "ES",
        lat: 41.66,
        lon: -0.88,
    },
    "eu-west-1": { awsName: "Ireland", metro: "Dublin", country: "IE", lat: 53.33, lon: -6.25 },
    "eu-west-2": { awsName: "London", metro: "London", country: "GB", lat: 51.51, lon: -0.13 },
    "eu-west-3": { awsName: "Paris", metro: "Paris", country: "FR", lat: 48.85, lon: 2.35 },
    "il-central-1": {
        awsName: "Tel Aviv",
        metro: "Tel Aviv",
        country: "IL",
        lat: 32.08,
        lon: 34.78,
    },
    "me-central-1": { awsName: "UAE", metro: "Dubai", country: "AE", lat: 25.08, lon: 55.31 },
    "me-south-1": { awsName: "Bahrain", metro: "Manama", country: "BH", lat: 26.23, lon: 50.59 },
    "mx-central-1": {
        awsName: "Central",
        metro: "Querétaro",
        country: "MX",
        lat: 20.59,
        lon: -100.39,
    },
    "sa-east-1": {
        awsName: "São Paulo",
        metro: "São Paulo",
        country: "BR",
        lat: -23.55,
        lon: -46.64,
    },
    "us-east-1": {
        awsName: "N. Virginia",
        metro: "Ashburn (Northern Virginia)",
        country: "US",
        lat: 39.04,
        lon: -77.49,
    },
    "us-east-2": { awsName: "Ohio", metro: "Columbus", country: "US", lat: 39.96, lon: -83.0 },
    "us-west-1": {
        awsName: "N. California",
        metro: "San Jose (Bay Area)",
        country: "US",
        lat: 37.34,
        lon: -121.89,
    },
    "us-west-2": { awsName: "Oregon", metro: "Boardman", country: "US", lat: 45.84, lon: -119.7 },
};

/** The region's location; every region of config/regions.ts has one (a test holds this). */
export function regionLocation(region: string): RegionLocation | undefined {
    return Object.prototype.hasOwnProperty.call(regionLocations, region)
        ? regionLocations[region]
        : undefined;
}
