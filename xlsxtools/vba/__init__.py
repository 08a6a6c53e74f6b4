"""VBA project and ribbon of the .xlsm templates.

- :mod:`xlsxtools.vba.compression`, :mod:`xlsxtools.vba.cfb`, :mod:`xlsxtools.vba.ovba`: build a
  vbaProject.bin (MS-OVBA, source only) on any OS;
- :mod:`xlsxtools.vba.modules`: the modules of each template (``macros/`` + installed xlwings);
- :mod:`xlsxtools.vba.package`: the xlwings.conf sheet, ``package_xlsm`` and ``relink_ribbon``;
- :mod:`xlsxtools.vba.summary_template`: the summary (汇总) template.
"""
