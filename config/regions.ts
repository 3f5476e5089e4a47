/**
 * AWS commercial regions in which RDS for PostgreSQL runs. A region outside this list is refused
 * at config load, so a typo such as `eu-west-9` fails before anything is declared.
 *
 * Source: https://docs.aws.amazon.com/general/latest/gr/rande.html (Regional endpoints).
 * Add a region here when AWS opens it; nothing else in the stack needs to change.
 */
export const awsRegions: readonly string[] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/** The shape of every AWS region code: `eu-west-2`, `ap-southeast-1`. */
export const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
