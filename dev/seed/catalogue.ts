/** Static demo catalogue: sites, device kinds, operating systems, CPUs, software, people. */
import { DAY, NOW } from './clock.js';
import { sha256 } from './values.js';

// Static demo catalogue
// ---------------------------------------------------------------------------------------------

export interface SiteDef {
  name: string;
  tag: string;
  description: string;
  domain: string;
  netbios: string;
  net: string;
  publicIps: readonly string[];
  weight: number;
  createdDaysAgo: number;
  autoApprove: boolean;
}

export const SITES: readonly SiteDef[] = [
  { name: 'Acme HQ', tag: 'ACME', description: 'Acme Corporation headquarters, Springfield', domain: 'ACME.LOCAL', netbios: 'ACME', net: '10.10', publicIps: ['203.0.113.10', '203.0.113.11'], weight: 35, createdDaysAgo: 712, autoApprove: false },
  { name: 'Acme Branch Office', tag: 'ACMEBR', description: 'Acme sales branch, Shelbyville', domain: 'ACME.LOCAL', netbios: 'ACME', net: '10.20', publicIps: ['203.0.113.77'], weight: 15, createdDaysAgo: 530, autoApprove: false },
  { name: 'Globex Plant', tag: 'GLOBEX', description: 'Globex manufacturing plant - shop floor and office', domain: 'GLOBEX.CORP', netbios: 'GLOBEX', net: '172.16', publicIps: ['198.51.100.24', '198.51.100.25'], weight: 25, createdDaysAgo: 401, autoApprove: true },
  { name: 'Initech Remote', tag: 'INITECH', description: 'Initech remote workers (home offices)', domain: 'WORKGROUP', netbios: 'INITECH', net: '192.168', publicIps: [], weight: 15, createdDaysAgo: 288, autoApprove: false },
  { name: 'Umbrella Lab', tag: 'UMBRELLA', description: 'Umbrella research lab (isolated VLAN)', domain: 'UMBRELLA.LAB', netbios: 'UMBRELLA', net: '10.66', publicIps: ['192.0.2.45'], weight: 10, createdDaysAgo: 97, autoApprove: false },
];

/** Globex Plant's temporary auto-approval window ends a year after the seed's "now". */
export const autoApproveUntil = (): number => NOW + 365 * DAY;

export interface KindDef {
  prefix: string;
  deviceType: 'Workstation' | 'Server' | 'Virtual Machine';
  laptop: boolean;
  linuxShare: number;
  weight: number;
}

export const KINDS: readonly KindDef[] = [
  { prefix: 'WS', deviceType: 'Workstation', laptop: false, linuxShare: 0, weight: 55 },
  { prefix: 'LT', deviceType: 'Workstation', laptop: true, linuxShare: 0, weight: 15 },
  { prefix: 'SRV', deviceType: 'Server', laptop: false, linuxShare: 0.4, weight: 18 },
  { prefix: 'VM', deviceType: 'Virtual Machine', laptop: false, linuxShare: 0.5, weight: 12 },
];

export const WINDOWS_DESKTOP_OS: readonly (readonly [string, number])[] = [
  ['Windows 11 Pro 24H2 Build 26100.2314', 40],
  ['Windows 11 Enterprise 23H2 Build 22631.4460', 20],
  ['Windows 10 Pro 22H2 Build 19045.5131', 30],
  ['Windows 10 Enterprise LTSC 2021 Build 19044.5131', 10],
];
export const WINDOWS_SERVER_OS: readonly (readonly [string, number])[] = [
  ['Windows Server 2022 Standard 21H2 Build 20348.2849', 50],
  ['Windows Server 2019 Standard 1809 Build 17763.6532', 30],
  ['Windows Server 2025 Datacenter 24H2 Build 26100.2314', 20],
];
export const LINUX_OS: readonly (readonly [string, number])[] = [
  ['Ubuntu 24.04.1 LTS', 45],
  ['Ubuntu 22.04.5 LTS', 25],
  ['Debian GNU/Linux 12 (bookworm)', 20],
  ['Rocky Linux 9.4 (Blue Onyx)', 10],
];

export const DESKTOP_CPUS: readonly (readonly [string, number, number, number])[] = [
  ['12th Gen Intel(R) Core(TM) i5-12500', 6, 12, 3.0],
  ['12th Gen Intel(R) Core(TM) i7-12700', 12, 20, 2.1],
  ['Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz', 6, 6, 3.0],
  ['AMD Ryzen 7 PRO 5750G with Radeon Graphics', 8, 16, 3.8],
];
export const LAPTOP_CPUS: readonly (readonly [string, number, number, number])[] = [
  ['12th Gen Intel(R) Core(TM) i7-1265U', 10, 12, 1.8],
  ['13th Gen Intel(R) Core(TM) i5-1345U', 10, 12, 1.6],
  ['AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics', 8, 16, 3.3],
];
export const SERVER_CPUS: readonly (readonly [string, number, number, number])[] = [
  ['Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz', 16, 32, 2.4],
  ['AMD EPYC 7313P 16-Core Processor', 16, 32, 3.0],
  ['Intel(R) Xeon(R) E-2336 CPU @ 2.90GHz', 6, 12, 2.9],
];
export const VM_CPUS: readonly string[] = ['Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', 'AMD EPYC 7543 32-Core Processor', 'QEMU Virtual CPU version 2.5+'];

export interface SoftwareDef {
  name: string;
  version: string;
  publisher: string;
  source: 'local_installed' | 'windows_store';
}

export const WINDOWS_SOFTWARE: readonly SoftwareDef[] = [
  { name: '7-Zip 24.08 (x64)', version: '24.08', publisher: 'Igor Pavlov', source: 'local_installed' },
  { name: 'Google Chrome', version: '131.0.6778.86', publisher: 'Google LLC', source: 'local_installed' },
  { name: 'Microsoft Edge', version: '131.0.2903.70', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Mozilla Firefox (x64 en-US)', version: '133.0', publisher: 'Mozilla', source: 'local_installed' },
  { name: 'Microsoft 365 Apps for enterprise - en-us', version: '16.0.18129.20116', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Adobe Acrobat (64-bit)', version: '24.005.20320', publisher: 'Adobe', source: 'local_installed' },
  { name: 'Notepad++ (64-bit x64)', version: '8.7.1', publisher: 'Notepad++ Team', source: 'local_installed' },
  { name: 'VLC media player', version: '3.0.21', publisher: 'VideoLAN', source: 'local_installed' },
  { name: 'Zoom Workplace (64-bit)', version: '6.2.11 (53000)', publisher: 'Zoom Video Communications, Inc.', source: 'local_installed' },
  { name: 'Microsoft Teams', version: '24295.605.3225.8804', publisher: 'Microsoft Corporation', source: 'windows_store' },
  { name: 'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.42.34433', version: '14.42.34433.0', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Git', version: '2.47.1', publisher: 'The Git Development Community', source: 'local_installed' },
  { name: 'PuTTY release 0.82 (64-bit)', version: '0.82.0.0', publisher: 'Simon Tatham', source: 'local_installed' },
  { name: 'WinSCP 6.3.5', version: '6.3.5', publisher: 'Martin Prikryl', source: 'local_installed' },
];
export const WINDOWS_SERVER_SOFTWARE: readonly SoftwareDef[] = [
  { name: 'Microsoft SQL Server 2022 (64-bit)', version: '16.0.1000.6', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Veeam Agent for Microsoft Windows', version: '6.2.0.121', publisher: 'Veeam Software Group GmbH', source: 'local_installed' },
  { name: 'PowerShell 7-x64', version: '7.4.6.0', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: '7-Zip 24.08 (x64)', version: '24.08', publisher: 'Igor Pavlov', source: 'local_installed' },
  { name: 'Microsoft Edge', version: '131.0.2903.70', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Notepad++ (64-bit x64)', version: '8.7.1', publisher: 'Notepad++ Team', source: 'local_installed' },
  { name: 'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.42.34433', version: '14.42.34433.0', publisher: 'Microsoft Corporation', source: 'local_installed' },
];
export const LINUX_SOFTWARE: readonly SoftwareDef[] = [
  { name: 'openssh-server', version: '1:9.6p1-3ubuntu13.5', publisher: '', source: 'local_installed' },
  { name: 'nginx', version: '1.24.0-2ubuntu7.1', publisher: '', source: 'local_installed' },
  { name: 'docker-ce', version: '5:27.3.1-1~ubuntu.24.04~noble', publisher: '', source: 'local_installed' },
  { name: 'curl', version: '8.5.0-2ubuntu10.5', publisher: '', source: 'local_installed' },
  { name: 'python3', version: '3.12.3-0ubuntu2', publisher: '', source: 'local_installed' },
  { name: 'htop', version: '3.3.0-4build1', publisher: '', source: 'local_installed' },
  { name: 'postgresql-16', version: '16.6-0ubuntu0.24.04.1', publisher: '', source: 'local_installed' },
  { name: 'rsync', version: '3.2.7-1ubuntu1', publisher: '', source: 'local_installed' },
];

export const PEOPLE: readonly (readonly [string, string])[] = [
  ['jsmith', 'John Smith'], ['mgarcia', 'Maria Garcia'], ['akhan', 'Aisha Khan'], ['lchen', 'Li Chen'],
  ['rpatel', 'Raj Patel'], ['sjohnson', 'Sarah Johnson'], ['dnguyen', 'Duc Nguyen'], ['ewilson', 'Emma Wilson'],
  ['tbrown', 'Tom Brown'], ['kmiller', 'Kate Miller'], ['omartin', 'Olivier Martin'], ['plee', 'Paul Lee'],
  ['hwhite', 'Hannah White'], ['bthomas', 'Ben Thomas'], ['cjackson', 'Chloe Jackson'], ['fmueller', 'Felix Müller'],
];

export const DESCRIPTIONS: readonly string[] = [
  'Front desk', 'Conference Room B', 'Finance - AP clerk', 'Shop floor HMI', 'Domain controller', 'File server',
  'Build agent', 'Spare - do not assign', 'CEO laptop', 'Label printer host',
];

/** Agent build ids (devices.agent_hash). */
export const BUILD_LATEST = sha256('borealis-agent 2026.11.14 windows-amd64');
export const BUILD_PREVIOUS = sha256('borealis-agent 2026.10.28 windows-amd64');
export const BUILD_OLD = sha256('borealis-agent 2026.09.30 windows-amd64');

// ---------------------------------------------------------------------------------------------
// Device generation
