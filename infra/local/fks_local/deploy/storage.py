"""Handlers for S3, DynamoDB, SQS, SNS and Timestream resources."""

from __future__ import annotations

import json
from typing import Any

from fks_local.deploy.context import DeployContext, Deployed


def _encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    # CloudFormation and the S3 API name the same setting differently.
    api_rule = {k: v for k, v in rule.items() if k != "ServerSideEncryptionByDefault"}
    if "ServerSideEncryptionByDefault" in rule:
        api_rule["ApplyServerSideEncryptionByDefault"] = rule["ServerSideEncryptionByDefault"]
    return api_rule


def create_bucket(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("BucketName") or ctx.default_name(logical_id, 63, lowercase=True)
    s3 = ctx.client("s3")
    if ctx.region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": ctx.region})
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    if "BucketEncryption" in props:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [_encryption_rule(r) for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
            },
        )
    if "LifecycleConfiguration" in props:
        rules = [_lifecycle_rule(r) for r in props["LifecycleConfiguration"]["Rules"]]
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    attributes = {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}
    return Deployed(logical_id, "AWS::S3::Bucket", name, attributes)


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the S3 API's shape (CloudFormation names some fields differently)."""
    api: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    expiration: dict[str, Any] = {}
    if "ExpirationInDays" in rule:
        expiration["Days"] = int(rule["ExpirationInDays"])
    if "ExpiredObjectDeleteMarker" in rule:
        expiration["ExpiredObjectDeleteMarker"] = bool(rule["ExpiredObjectDeleteMarker"])
    if expiration:
        api["Expiration"] = expiration
    if "NoncurrentVersionExpiration" in rule:
        api["NoncurrentVersionExpiration"] = {k: int(v) for k, v in rule["NoncurrentVersionExpiration"].items()}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return api


def delete_bucket(ctx: DeployContext, deployed: Deployed) -> None:
    s3 = ctx.client("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=deployed.physical_id):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=deployed.physical_id, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=deployed.physical_id)


def _throughput(props: dict[str, Any]) -> dict[str, Any]:
    if props.get("BillingMode", "PROVISIONED") == "PAY_PER_REQUEST":
        return {}
    return {"ProvisionedThroughput": props["ProvisionedThroughput"]}


def create_table(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("TableName") or ctx.default_name(logical_id, 255)
    dynamodb = ctx.client("dynamodb")
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
        **_throughput(props),
    }
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if key in props:
            request[key] = props[key]
    if "StreamSpecification" in props:
        request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    if props.get("Tags"):
        request["Tags"] = props["Tags"]
    table = dynamodb.create_table(**request)["TableDescription"]
    dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    attributes = {"Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn", "")}
    return Deployed(logical_id, "AWS::DynamoDB::Table", name, attributes)


def delete_table(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("dynamodb").delete_table(TableName=deployed.physical_id)


_QUEUE_NAME_KEYS = {"QueueName", "Tags"}


def create_queue(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    fifo = str(props.get("FifoQueue", "false")).lower() == "true"
    name = props.get("QueueName") or ctx.default_name(logical_id, 75 if fifo else 80) + (".fifo" if fifo else "")
    attributes = {
        key: json.dumps(value)
        if isinstance(value, dict)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
        for key, value in props.items()
        if key not in _QUEUE_NAME_KEYS
    }
    sqs = ctx.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = ctx.arn("sqs", name)
    return Deployed(logical_id, "AWS::SQS::Queue", url, {"Arn": arn, "QueueName": name, "QueueUrl": url})


def delete_queue(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("sqs").delete_queue(QueueUrl=deployed.physical_id)


def create_topic(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("TopicName") or ctx.default_name(logical_id, 256)
    sns = ctx.client("sns")
    arn = sns.create_topic(Name=name)["TopicArn"]
    for subscription in props.get("Subscription", []):
        sns.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
    return Deployed(logical_id, "AWS::SNS::Topic", arn, {"TopicArn": arn, "TopicName": name})


def delete_topic(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("sns").delete_topic(TopicArn=deployed.physical_id)


def create_subscription(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    arn = ctx.client("sns").subscribe(
        TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"], ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    return Deployed(logical_id, "AWS::SNS::Subscription", arn)


def delete_subscription(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("sns").unsubscribe(SubscriptionArn=deployed.physical_id)


def create_timestream_database(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("DatabaseName") or ctx.default_name(logical_id, 256)
    db = ctx.client("timestream-write").create_database(DatabaseName=name)["Database"]
    return Deployed(logical_id, "AWS::Timestream::Database", name, {"Arn": db["Arn"]})


def delete_timestream_database(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("timestream-write").delete_database(DatabaseName=deployed.physical_id)


def create_timestream_table(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("TableName") or ctx.default_name(logical_id, 256)
    request: dict[str, Any] = {"DatabaseName": props["DatabaseName"], "TableName": name}
    if "RetentionProperties" in props:
        retention = props["RetentionProperties"]
        request["RetentionProperties"] = {k: int(v) for k, v in retention.items()}
    table = ctx.client("timestream-write").create_table(**request)["Table"]
    # Ref on a Timestream table is "database|table", as CloudFormation returns it.
    return Deployed(
        logical_id, "AWS::Timestream::Table", f"{props['DatabaseName']}|{name}", {"Arn": table["Arn"], "Name": name}
    )


def delete_timestream_table(ctx: DeployContext, deployed: Deployed) -> None:
    database, table = deployed.physical_id.split("|", 1)
    ctx.client("timestream-write").delete_table(DatabaseName=database, TableName=table)
