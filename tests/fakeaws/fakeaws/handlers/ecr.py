"""Amazon ECR (JSON 1.1, AmazonEC2ContainerRegistry_V20150921)."""

from ..errors import AwsError
from . import clean, paginate


def _repo(ctx, name, registry=None):
    registry = registry or ctx.sc.account
    r = ctx.sc.idx.ecr_repos.get(name)
    if r is None or r["registryId"] != registry:
        raise AwsError("RepositoryNotFoundException", f"The repository with name '{name}' does not exist in the "
                                                      f"registry with id '{registry}'")
    return r


def DescribeRepositories(ctx, p):
    if p.get("repositoryNames"):
        repos = [_repo(ctx, n, p.get("registryId")) for n in p["repositoryNames"]]
    else:
        repos = list(ctx.sc.idx.ecr_repos.values())
    page, nxt = paginate(ctx, [clean(r) for r in repos], p.get("nextToken"), p.get("maxResults"), 100)
    return {"repositories": page, "nextToken": nxt}


def _find(r, image_id):
    for img in r["_images"]:
        if image_id.get("imageDigest") and img["imageDigest"] != image_id["imageDigest"]:
            continue
        if image_id.get("imageTag") and image_id["imageTag"] not in img.get("imageTags", []):
            continue
        return img
    return None


def DescribeImages(ctx, p):
    r = _repo(ctx, p["repositoryName"], p.get("registryId"))
    if p.get("imageIds"):
        imgs = []
        for iid in p["imageIds"]:
            img = _find(r, iid)
            if img is None:
                d = iid.get("imageDigest")
                t = iid.get("imageTag")
                desc = ", ".join(x for x in (f"imageDigest:'{d}'" if d else "imageDigest:'null'",
                                             f"imageTag:'{t}'" if t else "imageTag:'null'"))
                raise AwsError("ImageNotFoundException",
                               f"The image with imageId {{{desc}}} does not exist within the repository with name "
                               f"'{r['repositoryName']}' in the registry with id '{r['registryId']}'")
            imgs.append(img)
    else:
        imgs = list(r["_images"])
        st = (p.get("filter") or {}).get("tagStatus")
        if st == "TAGGED":
            imgs = [i for i in imgs if i.get("imageTags")]
        elif st == "UNTAGGED":
            imgs = [i for i in imgs if not i.get("imageTags")]
    page, nxt = paginate(ctx, [clean(i) for i in imgs], p.get("nextToken"), p.get("maxResults"), 100)
    return {"imageDetails": page, "nextToken": nxt}


def BatchGetImage(ctx, p):
    r = _repo(ctx, p["repositoryName"], p.get("registryId"))
    images, failures = [], []
    for iid in p["imageIds"]:
        img = _find(r, iid)
        if img is None:
            failures.append({"imageId": iid, "failureCode": "ImageNotFound",
                             "failureReason": "Requested image not found"})
            continue
        images.append({"registryId": r["registryId"], "repositoryName": r["repositoryName"],
                       "imageId": {"imageDigest": img["imageDigest"],
                                   **({"imageTag": iid["imageTag"]} if iid.get("imageTag") else {})},
                       "imageManifest": '{"schemaVersion":2,"mediaType":"%s","config":{},"layers":[]}'
                                        % img["imageManifestMediaType"],
                       "imageManifestMediaType": img["imageManifestMediaType"]})
    return {"images": images, "failures": failures}
