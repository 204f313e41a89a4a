#!/usr/bin/python3
"""Writes the SPDX 2.3 JSON SBOM of one image flavour: pidone and nologin
(version, commit, licence, the SHA-256 of each architecture's binary) and,
for the full flavour, the Debian packages whose files it carries (version,
licence, the SHA-256 of the .deb). Dated by the commit: the same commit
gives the same bytes. Standard library only.

  usage: scripts/sbom.py --flavour minimal|full --bin ARCH=DIR... --debs DIR --out FILE
"""

import argparse
import hashlib
import json
import re
import time
from pathlib import Path

import project
from project import ROOT, git

PROGRAMS = {"pidone": "/bin/pidone", "nologin": "/sbin/nologin"}
LICENCE_REFS = {"LicenseRef-public-domain": "This database is in the public domain."}


def pinned_packages():
    """[(package, version, licence)] of docker/debian-files.txt."""
    pinned = []
    for line in (ROOT / "docker" / "debian-files.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            package, version, licence = line.split(None, 2)
            pinned.append((package, version, licence))
    return pinned


def spdx_id(*parts):
    return "SPDXRef-" + "-".join(re.sub(r"[^A-Za-z0-9.]", "-", part) for part in parts)


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def arch_dirs(values):
    return dict(value.split("=", 1) for value in values)


def document(flavour, bins, debs):
    version, commit = project.version(), git("rev-parse", "HEAD")
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(project.commit_epoch()))
    name = f"pidone-{version}" + ("-full" if flavour == "full" else "")
    packages, files, relationships = [], [], []
    for program, path in PROGRAMS.items():
        package_id = spdx_id("Package", program)
        packages.append({
            "SPDXID": package_id, "name": program, "versionInfo": version,
            "supplier": "Organization: the pidone authors", "downloadLocation": "NOASSERTION",
            "sourceInfo": f"built from git commit {commit}", "filesAnalyzed": False,
            "licenseConcluded": "MIT", "licenseDeclared": "MIT",
            "copyrightText": "Copyright (c) 2026 the pidone authors",
        })
        relationships.append({"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                              "relatedSpdxElement": package_id})
        for arch, bin_dir in sorted(bins.items()):
            file_id = spdx_id("File", program, arch)
            files.append({
                "SPDXID": file_id, "fileName": f".{path} ({arch})",
                "checksums": [{"algorithm": "SHA256", "checksumValue": sha256_of(Path(bin_dir) / program)}],
                "licenseConcluded": "MIT", "copyrightText": "Copyright (c) 2026 the pidone authors",
            })
            relationships.append({"spdxElementId": package_id, "relationshipType": "CONTAINS",
                                  "relatedSpdxElement": file_id})
    licence_refs = set()
    if flavour == "full":
        for package, package_version, licence in pinned_packages():
            package_id = spdx_id("Package", "debian", package)
            (deb,) = Path(debs).glob(f"{package}_{package_version.replace(':', '%3a')}_*.deb")
            packages.append({
                "SPDXID": package_id, "name": package, "versionInfo": package_version,
                "supplier": "Organization: Debian", "downloadLocation": "NOASSERTION",
                "packageFileName": deb.name, "filesAnalyzed": False,
                "checksums": [{"algorithm": "SHA256", "checksumValue": sha256_of(deb)}],
                "licenseConcluded": licence, "licenseDeclared": licence,
                "copyrightText": f"NOASSERTION (see /usr/share/doc/{package}/copyright in the image)",
                "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                  "referenceLocator": f"pkg:deb/debian/{package}@{package_version}"
                                                      "?arch=all&distro=debian-12"}],
            })
            relationships.append({"spdxElementId": "SPDXRef-DOCUMENT",
                                  "relationshipType": "DESCRIBES", "relatedSpdxElement": package_id})
            licence_refs |= {ref for ref in LICENCE_REFS if ref in licence}
    sbom = {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{name} image",
        "documentNamespace": f"https://spdx.org/spdxdocs/{name}-{commit}",
        "creationInfo": {"created": created, "creators": ["Tool: pidone scripts/sbom.py"]},
        "packages": packages, "files": files, "relationships": relationships,
    }
    if licence_refs:
        sbom["hasExtractedLicensingInfos"] = [
            {"licenseId": ref, "extractedText": LICENCE_REFS[ref]} for ref in sorted(licence_refs)]
    return sbom


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flavour", choices=("minimal", "full"), required=True)
    parser.add_argument("--bin", action="append", required=True, metavar="ARCH=DIR")
    parser.add_argument("--debs", type=Path, default=ROOT / "build" / "debian-files")
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    sbom = document(options.flavour, arch_dirs(options.bin), options.debs)
    options.out.write_text(json.dumps(sbom, indent=2) + "\n")


if __name__ == "__main__":
    main()
