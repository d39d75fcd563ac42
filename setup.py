"Package metadata comes from settings.ini (the one place for it); nbdev's switches live in pyproject.toml."
from configparser import ConfigParser
from pathlib import Path
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read(Path(__file__).parent/'settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
lib = cfg['lib_name']
licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
min_python = cfg['min_python']
lic = licenses[cfg['license']]

setuptools.setup(
    name=lib, version=cfg['version'], description=cfg['description'], keywords=cfg['keywords'],
    author=cfg['author'], author_email=cfg['author_email'], license=lic[0], url=cfg['git_url'],
    long_description=(Path(__file__).parent/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    classifiers=['Development Status :: '+statuses[int(cfg['status'])], 'Intended Audience :: '+cfg['audience'].title(),
                 'License :: '+lic[1], 'Natural Language :: '+cfg['language'].title()] +
                ['Programming Language :: Python :: '+v for v in py_versions[py_versions.index(min_python):]],
    packages=setuptools.find_packages(include=[lib, lib+'.*']),
    include_package_data=True, zip_safe=False, python_requires='>='+min_python,
    install_requires=cfg['requirements'].split(),
    extras_require={'dev': cfg['dev_requirements'].split() + cfg['distributed_requirements'].split(),
                    'distributed': cfg['distributed_requirements'].split()},
    entry_points={'console_scripts': cfg['console_scripts'].split(), 'nbdev': [f'{lib}={lib}._modidx:d']},
)
