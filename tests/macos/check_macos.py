#!/usr/bin/env python3
"""What of the macOS port can be checked without a Mac (installer/macos/, the workflow, the
manifests and browsers.c's macOS folders): text, XML and JSON only. One check a subcommand;
each exits non-zero with what is wrong."""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

problems = []


def fail(message):
    problems.append(message)


def read_conf(path):
    """package.conf: KEY=value lines, # comments."""
    conf = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                conf[key] = value
    return conf


def read_manifest_dirs(path):
    """manifest-dirs.txt: {browser: folder}."""
    dirs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = re.match(r"^([a-z]+): (/.*)$", line.rstrip("\n"))
            if match:
                dirs[match.group(1)] = match.group(2)
    return dirs


def check_package(installer_dir):
    """distribution.xml and every other XML or plist parse, and the distribution names the
    component package build-pkg.sh makes; every placeholder in it is filled by the script."""
    conf = read_conf(os.path.join(installer_dir, "package.conf"))
    with open(os.path.join(installer_dir, "build-pkg.sh"), encoding="utf-8") as f:
        script = f.read()
    for name in sorted(os.listdir(installer_dir)):
        if name.endswith((".xml", ".plist")):
            try:
                ET.parse(os.path.join(installer_dir, name))
            except ET.ParseError as e:
                fail(f"{name} is not well-formed XML: {e}")
    if problems:
        return
    root = ET.parse(os.path.join(installer_dir, "distribution.xml")).getroot()
    if root.tag != "installer-gui-script":
        fail(f"distribution.xml's root is <{root.tag}>, not <installer-gui-script>")
    title = root.findtext("title") or ""
    if not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", title) or not re.search(r"[A-Za-z]{4}", title):
        fail(f"the title {title!r} is not in both Japanese and English")
    refs = [r for r in root.iter("pkg-ref") if (r.text or "").strip()]
    if [(r.get("id"), r.text.strip()) for r in refs] != [(conf["COMPONENT_ID"], conf["COMPONENT_PKG"])]:
        fail(f"distribution.xml's package is {[(r.get('id'), r.text) for r in refs]}, "
             f"not package.conf's ({conf['COMPONENT_ID']}, {conf['COMPONENT_PKG']})")
    chosen = {r.get("id") for c in root.iter("choice") for r in c.iter("pkg-ref")}
    if conf["COMPONENT_ID"] not in chosen:
        fail("no <choice> installs the component package")
    outline = {line.get("choice") for line in root.iter("line")}
    for choice in root.iter("choice"):
        if choice.get("id") not in outline:
            fail(f"choice {choice.get('id')} is not in <choices-outline>")
    if root.find("allowed-os-versions/os-version[@min]") is None:
        fail("no minimum macOS version (allowed-os-versions/os-version min)")
    options = root.find("options")
    if options is None or not options.get("hostArchitectures"):
        fail("no hostArchitectures in <options>")
    with open(os.path.join(installer_dir, "distribution.xml"), encoding="utf-8") as f:
        for placeholder in sorted(set(re.findall(r"@[A-Z_]+@", f.read()))):
            if f's/{placeholder}/' not in script:
                fail(f"build-pkg.sh does not fill {placeholder} in distribution.xml")
    if not re.search(r'pkgbuild [^\n]*(\\\n[^\n]*)*"\$work/\$COMPONENT_PKG"', script):
        fail("build-pkg.sh's pkgbuild does not write $work/$COMPONENT_PKG")
    if not re.search(r'productbuild --distribution "\$work/distribution.xml" --package-path "\$work"',
                     script):
        fail("build-pkg.sh's productbuild does not read the component package from $work")


def check_manifests(manifest_dir, package_conf, host_name):
    """The manifests the macOS package installs: a host path that is absolute and in the
    package's own folder under its prefix, and each browser's own key."""
    prefix = read_conf(package_conf)["PREFIX"]
    install_folder = prefix.rstrip("/") + "/libexec/jpki-bridge/"
    for kind, key in (("chrome", "allowed_origins"), ("firefox", "allowed_extensions")):
        path = os.path.join(manifest_dir, kind, host_name + ".json")
        try:
            with open(path, encoding="utf-8") as f:
                manifest = json.load(f)
        except (OSError, ValueError) as e:
            fail(f"{path}: {e}")
            continue
        host = manifest.get("path", "")
        if not os.path.isabs(host):
            fail(f"{kind}: path {host!r} is not absolute (macOS browsers need it absolute)")
        elif os.path.normpath(host) != host or not host.startswith(install_folder):
            fail(f"{kind}: path {host!r} is not in the install folder {install_folder}")
        if manifest.get("name") != host_name or manifest.get("type") != "stdio":
            fail(f"{kind}: name {manifest.get('name')!r} / type {manifest.get('type')!r}")
        if not manifest.get(key):
            fail(f"{kind}: no {key}")


def load_workflow(path):
    try:
        import yaml
    except ImportError:
        return None
    with open(path, encoding="utf-8") as f:
        try:
            return yaml.safe_load(f)
        except yaml.YAMLError as e:
            fail(f"not YAML: {e}")
            return {}


def unit_tests(build_dir):
    out = subprocess.run(["ctest", "--test-dir", build_dir, "-N"], check=True,
                         capture_output=True, text=True).stdout
    return re.findall(r"Test +#\d+: (\S+)", out)


def check_workflow(path, build_dir):
    """The workflow parses, runs on macOS, installs the dependencies, builds, runs the unit
    tests this build registers (and nothing else) and makes the unsigned package."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    workflow = load_workflow(path)
    if problems:
        return
    if workflow is None:
        # No PyYAML: the same facts from the text.
        runs_on = re.findall(r"^\s+(?:runs-on|runner): (.+)$", text, re.M)
        commands = text
    else:
        if not isinstance(workflow, dict) or "jobs" not in workflow:
            fail("no jobs")
            return
        if True not in workflow and "on" not in workflow:
            fail("no triggers (on:)")
        runs_on, commands = [], ""
        for job in workflow["jobs"].values():
            matrix = job.get("strategy", {}).get("matrix", {})
            runs_on += [str(r) for r in matrix.get("runner", [])] or [str(job.get("runs-on"))]
            commands += "\n".join(str(step.get("run", "")) for step in job.get("steps", []))
    if not runs_on or not all(r.strip().startswith("macos-") for r in runs_on):
        fail(f"not every job runs on a macOS runner: {runs_on}")
    brew = re.search(r"brew install ([^\n]+)", commands)
    needed = {"jansson", "glib", "openssl@3", "cmocka", "pkg-config", "cmake", "ninja", "libpsl"}
    if not brew or needed - set(brew.group(1).split()):
        fail(f"brew does not install {sorted(needed - set(brew.group(1).split()) if brew else needed)}")
    if "cmake --build" not in commands:
        fail("nothing builds")
    ctest = re.search(r"ctest [^\n]*-R '([^']+)'", commands)
    if not ctest:
        fail("no ctest -R '<unit tests>' step")
    else:
        names = unit_tests(build_dir)
        selected = {n for n in names if re.search(ctest.group(1), n)}
        units = {n for n in names if n.startswith("unit.")}
        if not units:
            fail(f"{build_dir} registers no unit tests to compare with")
        elif selected != units:
            fail(f"the workflow's ctest -R '{ctest.group(1)}' leaves out {sorted(units - selected)}"
                 f" and runs {sorted(selected - units)} besides the unit tests")
    if "installer/macos/build-pkg.sh --unsigned" not in commands:
        fail("the unsigned package is not built")


def apple_browsers(browsers_c):
    """browsers.c's __APPLE__ table: {name: (user_dir, [system dirs])}."""
    with open(browsers_c, encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"#ifdef __APPLE__\n(.*?)\n#else\n", text, re.S)
    if not block:
        fail("browsers.c has no #ifdef __APPLE__ ... #else table")
        return {}
    table = {}
    for entry in re.split(r"\[CLI_BROWSER_(?!COUNT)[A-Z]+\] = ", block.group(1))[1:]:
        strings = lambda s: ["".join(re.findall(r'"([^"]*)"', m)) for m in re.findall(r'(?:"[^"]*"\s*)+', s)]
        head, _, rest = entry[1:].partition("{")
        system, _, _ = rest.partition("}")
        fields = strings(head)
        if len(fields) < 3:
            fail(f"cannot read the browsers.c entry {entry[:60]!r}")
            continue
        table[fields[0]] = (fields[2], strings(system))
    return table


def check_dirs(browsers_c, list_path):
    """browsers.c's macOS system folders are exactly those the package installs into, and
    every per-user folder is under ~/Library/Application Support."""
    listed = read_manifest_dirs(list_path)
    table = apple_browsers(browsers_c)
    if not table:
        fail("no macOS browsers in browsers.c")
    for name, (user_dir, system) in sorted(table.items()):
        if not (user_dir.startswith("Library/Application Support/")
                and user_dir.endswith("/NativeMessagingHosts")):
            fail(f"{name}: per-user folder ~/{user_dir} is not a NativeMessagingHosts folder "
                 "under ~/Library/Application Support")
        expected = [listed[name]] if name in listed else []
        if system != expected:
            fail(f"{name}: browsers.c names {system}, the package installs into {expected}")
    for name in sorted(set(listed) - set(table)):
        fail(f"{name}: in manifest-dirs.txt but not in browsers.c")


def check_script(script):
    """Without the signing identities and without --unsigned the script refuses, naming what
    is missing, before doing anything."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JPKI_MACOS_")}
    cases = [({}, ["JPKI_MACOS_APP_IDENTITY", "JPKI_MACOS_INSTALLER_IDENTITY",
                   "JPKI_MACOS_NOTARY_PROFILE"]),
             ({"JPKI_MACOS_APP_IDENTITY": "Developer ID Application: X (T)"},
              ["JPKI_MACOS_INSTALLER_IDENTITY", "JPKI_MACOS_NOTARY_PROFILE"])]
    for extra, missing in cases:
        run = subprocess.run(["bash", script, "--out", os.devnull], env={**env, **extra},
                             capture_output=True, text=True, timeout=60)
        if run.returncode != 2:
            fail(f"with {sorted(extra)} set it exited {run.returncode}, not 2 (refused)")
        for name in missing:
            if name not in run.stderr:
                fail(f"with {sorted(extra)} set it did not name {name}: {run.stderr!r}")
        for name in extra:
            if name in run.stderr:
                fail(f"it names {name} as missing although it is set")
        if "--unsigned" not in run.stderr:
            fail(f"its refusal does not mention --unsigned: {run.stderr!r}")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    {"package": check_package, "manifests": check_manifests, "workflow": check_workflow,
     "dirs": check_dirs, "script": check_script}[command](*args)
    for problem in problems:
        print(f"{command}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
