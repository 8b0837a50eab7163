# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Each module sets support and details of every attribute.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Whether the module supports check mode, in which it predicts C(changed) and sends no write.
  diff_mode:
    description: Whether the module returns a before and after view of what it changes (or would change, in check mode) when run with C(--diff).
  idempotent:
    description:
      - Whether a second run with the same arguments, right after a real first run, reports no change.
"""
