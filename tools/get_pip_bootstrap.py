"""Stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test creates each sanity-test virtual environment without pip, then runs a
get-pip script that it downloads from ci-files.testing.ansible.com and caches as
~/.ansible/test/cache/get_pip_<version>.py. That host is not reachable from every
build machine, and ansible-test's error message names the cache path as the place
to put the script by hand. tools/sanity.sh copies this file there.

Like get-pip.py, the script takes pip options and the packages to install
(for example ``--disable-pip-version-check pip==25.2``) and installs them. It
first installs the pip wheel bundled with CPython (ensurepip), then runs
``pip install --upgrade`` with those arguments, so the pinned pip, setuptools
and wheel versions still come from the package index.
"""

import ensurepip
import importlib
import os
import runpy
import sys

# get-pip.py adds setuptools and wheel to the packages it installs unless these
# options are given. This stand-in installs only the packages named, so it
# drops them.
GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    # ensurepip deletes the PIP_* variables and sets PIP_CONFIG_FILE to os.devnull
    # in this process, which would hide the index, proxy and certificate settings
    # from the pip run below.
    saved_environment = dict(os.environ)
    ensurepip.bootstrap(upgrade=False, default_pip=False, verbosity=0)
    os.environ.clear()
    os.environ.update(saved_environment)

    # ensurepip installs into site-packages while this process is running,
    # so the import system must rescan the directories it already cached.
    importlib.invalidate_caches()
    pip_arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
    sys.argv[1:] = ["install", "--upgrade"] + pip_arguments
    runpy.run_module("pip", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    sys.exit(main())
